using System.Net;
using Tollgate.Testing;

namespace Tollgate.ApiHost.Tests;

/// <summary>The built ApiHost run as a real process, the way <c>dotnet run --project src/ApiHost</c> runs it.</summary>
internal sealed class ApiHostProcess : IAsyncDisposable
{
    private readonly HostProcess _process;

    private ApiHostProcess(HostProcess process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Output => _process.Output;

    public static ApiHostProcess Start(string workingDirectory, IDictionary<string, string>? environment = null)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{HostProcess.FreePort()}");
        return new ApiHostProcess(
            HostProcess.Start("ApiHost", "Tollgate.ApiHost", ["--urls", baseAddress.ToString()], environment, workingDirectory), baseAddress);
    }

    /// <summary>
    /// A host (embedded silo, a cluster of its own) on the test database with <paramref name="adminEmail"/> as bootstrap
    /// admin and test-speed password hashing, ready: for tests that need a real HTTP port (browsers, node clients).
    /// </summary>
    public static async Task<ApiHostProcess> StartReadyAsync(string connectionString, string adminEmail, IDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Tollgate"] = connectionString,
            ["Cluster__ClusterId"] = "proc-" + Guid.NewGuid().ToString("N")[..8],
            ["Auth__BootstrapAdmins__0"] = adminEmail,
            ["Auth__PasswordIterations"] = "10000",
            ["Auth__SignInMaxRequests"] = "1000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var host = Start(Path.GetTempPath(), environment);
        try
        {
            await host.WaitReadyAsync(TimeSpan.FromSeconds(90));
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public async Task WaitReadyAsync(TimeSpan deadline)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.TrueAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"ApiHost exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                return (await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, deadline, "/readyz answers 200\n" + Output);
    }

    public Task<int> TerminateAsync(TimeSpan deadline) => _process.TerminateAsync(deadline);

    public Task<int> WaitForExitAsync(TimeSpan deadline) => _process.WaitForExitAsync(deadline);

    public Task KillHardAsync() => _process.KillHardAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
