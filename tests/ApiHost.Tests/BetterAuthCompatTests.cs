using Tollgate.ApiHost.Tests.Stripe;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>
/// better-auth's own client (npm <c>better-auth</c>, <c>createAuthClient</c> with <c>adminClient</c>) against a real
/// Tollgate process: sign-up, sign-in, get-session, set-role, list and revoke sessions (Compat/compat.mjs).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BetterAuthCompatTests(Testing.PostgresFixture postgres) : IDisposable
{
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("tollgate-compat-").FullName;

    [Fact]
    public async Task BetterAuthsOwnClientSignsUpSignsInReadsTheSessionSetsARoleAndRevokesSessions()
    {
        await NodeScript.EnsurePackageAsync("better-auth");
        var adminEmail = AuthTestClient.NewEmail("compat-admin");
        var url = $"http://127.0.0.1:{Testing.HostProcess.FreePort()}";
        await using var api = Testing.HostProcess.Start("ApiHost", "Tollgate.ApiHost", ["--urls", url], new Dictionary<string, string>
        {
            ["ConnectionStrings__Tollgate"] = postgres.ConnectionString,
            ["Auth__BootstrapAdmins__0"] = adminEmail,
            ["Auth__TrustedOrigins__0"] = url,
            ["Auth__PasswordIterations"] = "10000",
            // The script signs in five times within seconds from one address; the default (3 per 10 s) would refuse it.
            ["Auth__SignInMaxRequests"] = "100",
        }, _workingDirectory);
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        await Testing.Eventually.TrueAsync(async () =>
        {
            Assert.False(api.HasExited, api.Output);
            try
            {
                return (await http.GetAsync("/readyz")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "the API host is ready");
        await new AuthTestClient(http).SignUpAsync(adminEmail);

        var (exitCode, stdout, stderr) = await NodeScript.RunAsync("node", ["compat.mjs", url, adminEmail, AuthTestClient.Password], null, TimeSpan.FromMinutes(2));
        var output = stdout + stderr;

        Assert.True(exitCode == 0, $"compat.mjs exited {exitCode}:\n{output}\n--- server ---\n{api.Output}");
        Assert.Contains("\"step\":\"g2.revokeOtherSessions+signOut\",\"ok\":true", output);
    }

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);
}
