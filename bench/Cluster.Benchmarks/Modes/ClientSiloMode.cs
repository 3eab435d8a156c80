using System.Globalization;
using Tollgate.Cluster.Benchmarks.Grains;
using Tollgate.Cluster.Benchmarks.Hosting;
using Tollgate.Cluster.Benchmarks.Load;
using Tollgate.Cluster.Benchmarks.Report;
using Tollgate.Runtime.Transport;

namespace Tollgate.Cluster.Benchmarks.Modes;

/// <summary>
/// <c>client-silo</c>: a standalone silo listening on loopback and a <see cref="SiloClient"/> in the same process.
/// The callers run at full speed, then paced at half the rate they reached; the same callers calling the same
/// grains in-process (no network), and a raw ping-pong over the same connection, are the baselines.
/// </summary>
public static class ClientSiloMode
{
    public const double TargetCallsPerSecond = 50_000;
    public static readonly TimeSpan TargetP99 = TimeSpan.FromMilliseconds(5);
    private const int Connections = 4;
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(30);

    public static async Task<ModeReport> RunAsync(BenchOptions options, TextWriter log)
    {
        await using var silo = await BenchHost.StartListeningAsync();
        await using var client = new SiloClient(silo.Endpoint, ResponseTimeout);
        var keys = Keys.Make("echo", options.Grains);
        var remote = Array.ConvertAll(keys, client.GetGrain<IEchoGrain>);
        var local = Array.ConvertAll(keys, silo.Grains.GetGrain<IEchoGrain>);
        await Task.WhenAll(remote.Select(g => g.PingAsync(0)));
        if (silo.Runtime.ActivationCount != keys.Length)
        {
            throw new InvalidOperationException($"Expected {keys.Length} activations, found {silo.Runtime.ActivationCount}.");
        }

        var session = new LoadSession(options, keys.Length, log);
        Task Ping() => PingOrThrowAsync(client);
        var network = await session.MeasureAsync("client→silo, TCP", options.Callers, null, (_, pick) => remote[pick].PingAsync(1));
        var half = network.CallsPerSecond / 2;
        var networkHalf = await session.MeasureAsync("client→silo, TCP, half load", options.Callers, half, (_, pick) => remote[pick].PingAsync(1));
        var inProcess = await session.MeasureAsync("in-process (baseline)", options.Callers, null, (_, pick) => local[pick].PingAsync(1));
        var inProcessHalf = await session.MeasureAsync("in-process, same paced rate (baseline)", options.Callers, half, (_, pick) => local[pick].PingAsync(1));
        var ping = await session.MeasureAsync("raw ping-pong, same connection", options.Callers, null, (_, _) => Ping());
        var networkOne = await session.MeasureAsync("client→silo, TCP, one caller", 1, null, (_, pick) => remote[pick].PingAsync(1));
        var pingOne = await session.MeasureAsync("raw ping-pong, one caller", 1, null, (_, _) => Ping());
        var inProcessOne = await session.MeasureAsync("in-process, one caller (baseline)", 1, null, (_, pick) => local[pick].PingAsync(1));

        var c = options.Callers;
        var comparisons = new List<Comparison>
        {
            new($"Throughput, {c} callers: TCP", "calls/s", network.CallsPerSecond, "in-process", inProcess.CallsPerSecond),
            new($"Throughput, {c} callers: TCP", "calls/s", network.CallsPerSecond, "raw ping-pong", ping.CallsPerSecond),
            new($"p50 at max load, {c} callers: TCP", "µs", network.P50Us, "in-process", inProcess.P50Us),
            new($"p99 at max load, {c} callers: TCP", "µs", network.P99Us, "in-process", inProcess.P99Us),
            new($"p50 at half load ({ReportPrinter.N(half)}/s): TCP", "µs", networkHalf.P50Us, "in-process, same rate", inProcessHalf.P50Us),
            new($"p99 at half load ({ReportPrinter.N(half)}/s): TCP", "µs", networkHalf.P99Us, "in-process, same rate", inProcessHalf.P99Us),
            new("p50 one caller: TCP grain call", "µs", networkOne.P50Us, "in-process", inProcessOne.P50Us),
            new("p50 one caller: TCP grain call", "µs", networkOne.P50Us, "raw ping-pong", pingOne.P50Us),
            new("p99 one caller: TCP grain call", "µs", networkOne.P99Us, "raw ping-pong", pingOne.P99Us),
            new($"CPU per call, {c} callers: TCP", "µs", network.CpuUsPerCall, "in-process", inProcess.CpuUsPerCall),
            new($"Allocated per call, {c} callers: TCP", "B", network.AllocatedBytesPerCall, "in-process", inProcess.AllocatedBytesPerCall),
        };

        // Is the one multiplexed connection the limit? The same callers spread over several clients, each its own connection.
        var clients = Enumerable.Range(0, Connections).Select(_ => new SiloClient(silo.Endpoint, ResponseTimeout)).ToArray();
        try
        {
            var spread = Array.ConvertAll(clients, each => Array.ConvertAll(keys, each.GetGrain<IEchoGrain>));
            await Task.WhenAll(spread.Select(grains => grains[0].PingAsync(0)));
            var multi = await session.MeasureAsync($"client→silo, TCP, {Connections} connections", options.Callers, null,
                (caller, pick) => spread[caller % Connections][pick].PingAsync(1));
            comparisons.Add(new($"Throughput, {options.Callers} callers: TCP, {Connections} connections", "calls/s", multi.CallsPerSecond, "one connection", network.CallsPerSecond));
        }
        finally
        {
            foreach (var each in clients)
            {
                await each.DisposeAsync();
            }
        }

        var targetP99Us = TargetP99.TotalMicroseconds;
        var targets = new List<TargetCheck>
        {
            new($"≥ {ReportPrinter.N(TargetCallsPerSecond)} client→silo calls/s with {c} callers",
                $"{ReportPrinter.N(network.CallsPerSecond)} calls/s", network.CallsPerSecond >= TargetCallsPerSecond),
            new($"p99 ≤ {TargetP99.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms at half that load",
                $"p99 {ReportPrinter.F(networkHalf.P99Us)} µs at {ReportPrinter.N(networkHalf.CallsPerSecond)} calls/s " +
                $"(from schedule: {ReportPrinter.F(networkHalf.FromScheduleP99Us ?? 0)} µs)",
                networkHalf.P99Us <= targetP99Us),
        };

        var notes = new List<string>
        {
            $"One silo (in-memory storage, Kestrel endpoint {silo.Endpoint}) and one SiloClient in this process, sharing {Environment.ProcessorCount} cores; " +
            $"{keys.Length:N0} echo grains activated before the runs; each run {options.Warmup.TotalSeconds:0.#} s warm-up + {options.Duration.TotalSeconds:0.#} s recorded.",
            "\"Raw ping-pong\" is SiloClient.PingAsync: a Ping frame over the same multiplexed connection, answered by the connection handler without JSON or the grain runtime.",
        };
        return new ModeReport("client-silo", notes, session.Results, comparisons, [], targets);
    }

    private static async Task PingOrThrowAsync(SiloClient client)
    {
        if (!await client.PingAsync(ResponseTimeout))
        {
            throw new InvalidOperationException("The silo did not answer a ping.");
        }
    }
}
