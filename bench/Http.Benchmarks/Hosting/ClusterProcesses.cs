using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tollgate.Http.Benchmarks.Hosting;

/// <summary>
/// Tollgate as a cluster for the consume benchmark's cluster phase: one <c>src/Silo</c> process and one API host
/// process in cluster mode (an Orleans client of the silo), built in this configuration, on the given PostgreSQL.
/// </summary>
public sealed class ClusterProcesses : IAsyncDisposable
{
    private readonly List<Process> _processes = [];

    private ClusterProcesses(Uri apiBase) => ApiBase = apiBase;

    public Uri ApiBase { get; }

    public static async Task<ClusterProcesses> StartAsync(string connectionString, IReadOnlyDictionary<string, string> settings, Action<string> progress)
    {
        var cluster = "bench" + Guid.NewGuid().ToString("N")[..10];
        var healthPort = FreePort.Next();
        var apiPort = FreePort.Next();
        var common = new Dictionary<string, string>(settings)
        {
            ["ConnectionStrings__Tollgate"] = connectionString,
            ["Cluster__ClusterId"] = cluster,
            ["Logging__LogLevel__Default"] = "Warning",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        var started = new ClusterProcesses(new Uri($"http://127.0.0.1:{apiPort}"));
        try
        {
            progress("starting a silo process and a cluster-mode API host process ...");
            started.Start("Silo", new Dictionary<string, string>(common)
            {
                ["Silo__Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                ["Silo__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                ["Silo__HealthPort"] = healthPort.ToString(CultureInfo.InvariantCulture),
            }, []);
            await WaitReadyAsync(new Uri($"http://127.0.0.1:{healthPort}/readyz"));
            started.Start("ApiHost", new Dictionary<string, string>(common) { ["ApiHost__Mode"] = "Cluster" }, ["--urls", started.ApiBase.ToString()]);
            await WaitReadyAsync(new Uri(started.ApiBase, "/readyz"));
            progress($"cluster '{cluster}' ready: API host {started.ApiBase}, silo probes on {healthPort}");
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            if (!process.HasExited)
            {
                Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
                using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await process.WaitForExitAsync(bound.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill();
                }
            }

            process.Dispose();
        }
    }

    private void Start(string project, Dictionary<string, string> environment, string[] arguments)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Orleans.sln")))
        {
            root = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(root)) ?? throw new InvalidOperationException("Orleans.sln not found above " + AppContext.BaseDirectory);
        }

        var folder = Path.Combine(root, "src", project, "bin", configuration, "net10.0");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(folder, $"Tollgate.{project}.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {project}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine($"[{project}] {line}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }

    private static async Task WaitReadyAsync(Uri url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await http.GetAsync(url)).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or SocketException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{url} was not ready within 90 s");
    }
}
