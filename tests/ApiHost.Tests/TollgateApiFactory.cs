using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace Tollgate.ApiHost.Tests;

/// <summary>
/// The real ApiHost (embedded silo) over a given PostgreSQL, served through the test server. Passwords hash with
/// fewer iterations and the sign-in limit is raised, so tests can sign many users in from one address; tests
/// of those two features set their own values.
/// </summary>
public sealed class TollgateApiFactory(string connectionString, IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public const string AdminEmail = "root-admin@example.com";

    /// <summary>A client that keeps no cookies: each request carries exactly the credential the test gives it.</summary>
    public HttpClient CreateBareClient() => CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Tollgate", connectionString);
        // Each factory's embedded silo is a cluster of its own on the shared test database (tests pass their own id to share one).
        builder.UseSetting("Cluster:ClusterId", "test-" + Guid.NewGuid().ToString("N")[..12]);
        builder.UseSetting("Auth:PasswordIterations", "10000");
        builder.UseSetting("Auth:SignInMaxRequests", "100000");
        builder.UseSetting("Auth:BootstrapAdmins:0", AdminEmail);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }
}
