using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Tollgate.LoadTest.Http;
using Tollgate.LoadTest.Options;

namespace Tollgate.LoadTest.Elastic;

/// <summary>
/// Starts silos that join the running cluster: this process's environment (so the cluster's <c>Auth__*</c> and other
/// settings pass through when exported), then the cluster's connection string and id, free or given ports, the
/// admin as a bootstrap admin, and <c>--silo-env</c> last. Stops whatever it started when disposed.
/// </summary>
public sealed class SiloLauncher(LoadTestOptions options, string dll, string clusterId, string logDirectory) : IAsyncDisposable
{
    private readonly List<LaunchedSilo> _silos = [];

    public string LogDirectory { get; } = logDirectory;

    public LaunchedSilo Start()
    {
        var port = _silos.Count < options.SiloPorts.Count ? options.SiloPorts[_silos.Count] : FreePort();
        var healthPort = FreePort();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ConnectionStrings__Tollgate"] = options.Database!,
            ["Cluster__ClusterId"] = clusterId,
            ["Silo__Address"] = "127.0.0.1",
            ["Silo__Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Silo__GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Silo__HealthPort"] = healthPort.ToString(CultureInfo.InvariantCulture),
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        if (Environment.GetEnvironmentVariable("Auth__BootstrapAdmins__0") is null)
        {
            environment["Auth__BootstrapAdmins__0"] = options.AdminEmail;
        }

        foreach (var (name, value) in options.SiloEnvironment)
        {
            environment[name] = value;
        }

        Directory.CreateDirectory(LogDirectory);
        var silo = LaunchedSilo.Start(dll, port, healthPort, environment, Path.Combine(LogDirectory, $"silo-{port}.log"));
        _silos.Add(silo);
        return silo;
    }

    /// <summary>Waits until the silo's <c>/readyz</c> answers 200 (joined, database reachable).</summary>
    public static async Task WaitReadyAsync(LaunchedSilo silo, TimeSpan deadline, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            if (silo.HasExited)
            {
                throw new SetupException($"elastic: the silo on port {silo.Port} exited with {silo.ExitCode}; its log ({silo.LogFile}) ends:\n{silo.Tail()}");
            }

            try
            {
                using var response = await client.GetAsync($"http://127.0.0.1:{silo.HealthPort}/readyz", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // not listening yet
            }

            if (DateTime.UtcNow > until)
            {
                throw new SetupException($"elastic: the silo on port {silo.Port} was not ready within {deadline.TotalSeconds:0} s; its log ({silo.LogFile}) ends:\n{silo.Tail()}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_silos.Select(s => s.DisposeAsync().AsTask()));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
