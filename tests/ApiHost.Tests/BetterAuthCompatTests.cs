using System.Diagnostics;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>
/// better-auth's own client (npm <c>better-auth</c>, <c>createAuthClient</c> with <c>adminClient</c>) against a real
/// Tollgate process: sign-up, sign-in, get-session, set-role, list and revoke sessions (Compat/compat.mjs).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BetterAuthCompatTests(Testing.PostgresFixture postgres) : IDisposable
{
    private static readonly string CompatDirectory = Path.Combine(RepositoryRoot(), "tests", "ApiHost.Tests", "Compat");
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("tollgate-compat-").FullName;

    [Fact]
    public async Task BetterAuthsOwnClientSignsUpSignsInReadsTheSessionSetsARoleAndRevokesSessions()
    {
        await EnsureNodePackagesAsync();
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

        var (exitCode, output) = await RunAsync("node", ["compat.mjs", url, adminEmail, AuthTestClient.Password], TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, $"compat.mjs exited {exitCode}:\n{output}\n--- server ---\n{api.Output}");
        Assert.Contains("\"step\":\"g2.revokeOtherSessions+signOut\",\"ok\":true", output);
    }

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);

    /// <summary>.ci/run installs the pinned packages; a developer's first run installs them here.</summary>
    private static async Task EnsureNodePackagesAsync()
    {
        if (Directory.Exists(Path.Combine(CompatDirectory, "node_modules", "better-auth")))
        {
            return;
        }

        var (exitCode, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
        Assert.True(exitCode == 0, $"npm ci failed in {CompatDirectory} (Node.js and npm are required):\n{output}");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string command, string[] arguments, TimeSpan deadline)
    {
        var start = new ProcessStartInfo(command) { WorkingDirectory = CompatDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(' ', arguments)} did not finish within {deadline}:\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Orleans.sln not found above " + AppContext.BaseDirectory);
    }
}
