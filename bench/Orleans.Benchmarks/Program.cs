using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tollgate.Bench;
using Tollgate.Hosting;
using Tollgate.Orleans.Benchmarks;

// Usage: dotnet run -c Release --project bench/Orleans.Benchmarks [-- --duration 10 --warmup 5 --concurrency 64 --grains 1000]
// (internally also: --role silo --connection CS --cluster ID, the silo process of the client phase)
var options = Options.Parse(args);
if (options.Role == "silo")
{
    using var silo = SiloHost(options.Connection!, options.Cluster!, gateway: true);
    await silo.RunAsync();
    return 0;
}

Progress($"Orleans grain calls, {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC; .NET {Environment.Version}; {Environment.ProcessorCount} cores; server GC {System.Runtime.GCSettings.IsServerGC}; " +
         $"{options.Concurrency} callers on {options.Grains} grains; warm-up {options.Warmup} s + {options.Duration} s");
Progress("starting PostgreSQL ...");
await using var postgres = await BenchPostgres.StartAsync("tollgate-orleans-bench-");

// 1. Co-hosted: the silo in this process, callers on the thread pool next to it.
var cohostedCluster = "bench-cohosted-" + Guid.NewGuid().ToString("N")[..8];
using var cohosted = SiloHost(postgres.ConnectionString, cohostedCluster, gateway: false);
await cohosted.StartAsync();
Progress("co-hosted silo started");
var inProcess = await RunAsync(cohosted.Services.GetRequiredService<IGrainFactory>(), options, histogram: false);
await cohosted.StopAsync();
Progress($"co-hosted: {inProcess.CallsPerSecond:N0} calls/s, {inProcess.AllocatedPerCall:N0} B allocated per call");

// 2. Client → silo: the silo is another process (this program with --role silo), the client is this process.
var clientCluster = "bench-client-" + Guid.NewGuid().ToString("N")[..8];
using var siloProcess = StartSiloProcess(postgres.ConnectionString, clientCluster);
try
{
    await WaitActiveAsync(postgres.ConnectionString, clientCluster);
    Progress("silo process active");
    var clientBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    Configure(clientBuilder, postgres.ConnectionString, clientCluster);
    clientBuilder.AddTollgateClient();
    using var client = clientBuilder.Build();
    await client.StartAsync();
    var remote = await RunAsync(client.Services.GetRequiredService<IGrainFactory>(), options, histogram: true);
    await client.StopAsync();
    Progress($"client → silo: {remote.CallsPerSecond:N0} calls/s, p50 {remote.P50Us / 1e3:0.000} ms, p99 {remote.P99Us / 1e3:0.000} ms");

    Console.WriteLine();
    Console.WriteLine("| Phase | Calls/s | p50 ms | p90 ms | p99 ms | p99.9 ms | Max ms | Alloc B/call (this process) | CPU cores (this process) |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    Console.WriteLine($"| co-hosted silo, {options.Concurrency} callers (latency not meaningful: closed-loop callers share the silo's threads) | {inProcess.CallsPerSecond:N0} | – | – | – | – | – | {inProcess.AllocatedPerCall:N0} | {inProcess.Cores:0.00} |");
    Console.WriteLine($"| client process → silo process, {options.Concurrency} callers, loopback TCP | {remote.CallsPerSecond:N0} | {remote.P50Us / 1e3:0.000} | {remote.P90Us / 1e3:0.000} | {remote.P99Us / 1e3:0.000} | {remote.P999Us / 1e3:0.000} | {remote.MaxUs / 1e3:0.000} | {remote.AllocatedPerCall:N0} | {remote.Cores:0.00} |");
    Console.WriteLine();
    Console.WriteLine($"client → silo ≥ 100,000 calls/s: {(remote.CallsPerSecond >= 100_000 ? "met" : "NOT met")} ({remote.CallsPerSecond:N0})");
}
finally
{
    if (!siloProcess.HasExited)
    {
        Process.Start("kill", ["-TERM", siloProcess.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        await siloProcess.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
    }
}

return 0;

static void Progress(string line) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

static IHost SiloHost(string connectionString, string cluster, bool gateway)
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    Configure(builder, connectionString, cluster);
    builder.AddTollgateSilo(_ => { }, embedded: !gateway);
    return builder.Build();
}

static void Configure(HostApplicationBuilder builder, string connectionString, string cluster)
{
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Tollgate"] = connectionString,
        ["Cluster:ClusterId"] = cluster,
    });
    builder.Configuration.AddEnvironmentVariables(); // Cluster__ConnectionsPerEndpoint=4 and the like, to compare settings
    builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
}

static Process StartSiloProcess(string connectionString, string cluster)
{
    var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
    foreach (var argument in new[] { typeof(PingGrain).Assembly.Location, "--role", "silo", "--connection", connectionString, "--cluster", cluster })
    {
        start.ArgumentList.Add(argument);
    }

    return Process.Start(start)!;
}

static async Task WaitActiveAsync(string connectionString, string cluster)
{
    await using var database = NpgsqlDataSource.Create(connectionString);
    for (var i = 0; i < 300; i++)
    {
        try
        {
            await using var command = database.CreateCommand("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = $1 AND status = 3 AND proxyport > 0");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = cluster });
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return;
            }
        }
        catch (PostgresException)
        {
            // the silo has not migrated the membership tables yet
        }

        await Task.Delay(200);
    }

    throw new TimeoutException("the silo process did not become active within 60 s");
}

static async Task<Result> RunAsync(IGrainFactory grains, Options options, bool histogram)
{
    var references = Enumerable.Range(0, options.Grains).Select(i => grains.GetGrain<IPingGrain>($"g{i}")).ToArray();
    await Task.WhenAll(references.Select(g => g.PingAsync(0))); // activate every grain first
    var measuring = false;
    var stop = false;
    var histograms = Enumerable.Range(0, options.Concurrency).Select(_ => new LatencyHistogram()).ToArray();
    var counts = new long[options.Concurrency];
    var callers = Enumerable.Range(0, options.Concurrency).Select(c => Task.Run(async () =>
    {
        var random = new Random(c);
        while (!Volatile.Read(ref stop))
        {
            var started = Stopwatch.GetTimestamp();
            await references[random.Next(references.Length)].PingAsync(c);
            if (Volatile.Read(ref measuring))
            {
                counts[c]++;
                if (histogram)
                {
                    histograms[c].Record(Stopwatch.GetTimestamp() - started);
                }
            }
        }
    })).ToArray();
    await Task.Delay(TimeSpan.FromSeconds(options.Warmup));
    var before = ProcessCounters.Take();
    Volatile.Write(ref measuring, true);
    await Task.Delay(TimeSpan.FromSeconds(options.Duration));
    Volatile.Write(ref measuring, false);
    var after = ProcessCounters.Take();
    Volatile.Write(ref stop, true);
    await Task.WhenAll(callers);
    var all = new LatencyHistogram();
    foreach (var h in histograms)
    {
        all.Add(h);
    }

    var calls = counts.Sum();
    var seconds = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds;
    return new Result(
        calls / seconds,
        (after.AllocatedBytes - before.AllocatedBytes) / (double)Math.Max(1, calls),
        (after.Cpu - before.Cpu).TotalSeconds / seconds,
        all.PercentileMicroseconds(0.5), all.PercentileMicroseconds(0.9), all.PercentileMicroseconds(0.99), all.PercentileMicroseconds(0.999), all.MaxMicroseconds);
}

internal sealed record Result(double CallsPerSecond, double AllocatedPerCall, double Cores, double P50Us, double P90Us, double P99Us, double P999Us, double MaxUs);

internal sealed record Options(string Role, string? Connection, string? Cluster, int Duration, int Warmup, int Concurrency, int Grains)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, "--" + name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        int Number(string name, int fallback) => Value(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
        return new Options(Value("role") ?? "bench", Value("connection"), Value("cluster"), Number("duration", 10), Number("warmup", 5), Number("concurrency", 64), Number("grains", 1000));
    }
}
