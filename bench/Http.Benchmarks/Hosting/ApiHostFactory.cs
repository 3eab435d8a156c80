using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace Tollgate.Http.Benchmarks.Hosting;

/// <summary>
/// The real ApiHost (<c>Program</c> of src/ApiHost, embedded silo) over the given PostgreSQL, served by Kestrel on
/// 127.0.0.1:<paramref name="port"/> in this process. Production environment (the factory defaults to
/// Development, which turns on DI scope validation), log level Warning, the sign-in limit raised so one address
/// can sign many users up; the password iterations stay at their default (600,000). <paramref name="settings"/> adds
/// configuration (bootstrap admins, Stripe webhook secrets).
/// </summary>
public sealed class ApiHostFactory(string connectionString, int port, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    /// <summary>The temporary folder prefix of the PostgreSQL the HTTP benchmark starts (<see cref="Tollgate.Bench.BenchPostgres"/>).</summary>
    public const string PostgresFolderPrefix = "tollgate-http-bench-";

    public int Port => port;

    /// <summary>http://127.0.0.1:<see cref="Port"/>.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{port}");

    /// <summary>A host on a free port, started (<see cref="Start"/>), with a progress line before and after.</summary>
    public static ApiHostFactory StartOnFreePort(string connectionString, Action<string> progress, IReadOnlyDictionary<string, string>? settings = null)
    {
        progress("starting the ApiHost (embedded silo) on Kestrel ...");
        var api = new ApiHostFactory(connectionString, FreePort.Next(), settings);
        try
        {
            api.Start();
        }
        catch
        {
            api.Dispose();
            throw;
        }

        progress($"ApiHost listening on {api.BaseAddress}");
        return api;
    }

    /// <summary>Starts the host on Kestrel (migrations and the silo start with it).</summary>
    public void Start()
    {
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        // The factory finds MvcTestingAppManifest.json only in the working directory; the output folder holds the
        // ApiHost's appsettings.json too, so run from there wherever the program is started.
        builder.UseContentRoot(AppContext.BaseDirectory);
        builder.UseSetting("ConnectionStrings:Tollgate", connectionString);
        builder.UseSetting("Auth:SignInMaxRequests", "1000000");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }
}
