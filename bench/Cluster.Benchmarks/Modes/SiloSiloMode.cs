using Microsoft.Extensions.DependencyInjection;
using Tollgate.Bench;
using Tollgate.Cluster.Benchmarks.Grains;
using Tollgate.Cluster.Benchmarks.Hosting;
using Tollgate.Cluster.Benchmarks.Load;
using Tollgate.Cluster.Benchmarks.Report;
using Tollgate.Runtime.GrainDirectory;
using Tollgate.Runtime.Membership;

namespace Tollgate.Cluster.Benchmarks.Modes;

/// <summary>
/// <c>silo-silo</c>: two cluster members A and B (membership and grain directory in a throwaway PostgreSQL,
/// in-memory grain state, <see cref="PlacementStrategy.PreferLocal"/> so each grain lives where it was first
/// called). Echo grains are activated on B, relay grains (one per caller) and a second set of echo grains on A.
/// Each call goes to a relay grain on A whose turn calls an echo grain: on B (routed by A's ClusterRouter over
/// A's <see cref="SiloPeers"/> connection to B) or, as the baseline, on A itself. Two more runs call B's echo grains
/// without the relay turn: through A's <c>GrainFactory</c> from outside any grain (routing, then the same
/// connection), and directly through A's <see cref="SiloPeers"/> client for B (the transport path alone).
/// </summary>
public static class SiloSiloMode
{
    public static async Task<ModeReport> RunAsync(BenchOptions options, TextWriter log)
    {
        log.WriteLine("  starting PostgreSQL and two cluster members ...");
        await using var postgres = await BenchPostgres.StartAsync();
        var cluster = new Dictionary<string, string> { ["Placement"] = nameof(PlacementStrategy.PreferLocal) };
        var clusterId = "bench" + Guid.NewGuid().ToString("N")[..8];
        await using var a = await BenchHost.StartMemberAsync(postgres.ConnectionString, clusterId, cluster);
        await using var b = await BenchHost.StartMemberAsync(postgres.ConnectionString, clusterId, cluster);
        await ClusterWait.AllActiveAsync([a, b], TimeSpan.FromSeconds(30));

        var remoteKeys = Keys.Make("echo", options.Grains);
        var localKeys = Keys.Make("local-echo", options.Grains);
        await Task.WhenAll(remoteKeys.Select(k => b.Grains.GetGrain<IEchoGrain>(k).PingAsync(0)));
        await Task.WhenAll(localKeys.Select(k => a.Grains.GetGrain<IEchoGrain>(k).PingAsync(0)));
        var relays = Array.ConvertAll(Keys.Make("relay", options.Callers), a.Grains.GetGrain<IRelayGrain>);

        // Every relay and every route from A to B is known before the first run: no directory lookup while timed.
        await Task.WhenAll(relays.Select(async (relay, c) =>
        {
            for (var i = c; i < remoteKeys.Length; i += relays.Length)
            {
                await relay.RelayAsync(remoteKeys[i], 0);
            }
        }));
        CheckPlacement(a, b, options);

        var toB = a.Services.GetRequiredService<SiloPeers>().Client(b.Membership.Self!);
        var viaPeers = Array.ConvertAll(remoteKeys, toB.GetGrain<IEchoGrain>);
        var viaRouter = Array.ConvertAll(remoteKeys, a.Grains.GetGrain<IEchoGrain>);
        var session = new LoadSession(options, options.Grains, log);
        var remote = await session.MeasureAsync("grain on A → grain on B, TCP", options.Callers, null, (c, pick) => relays[c].RelayAsync(remoteKeys[pick], 1));
        var half = remote.CallsPerSecond / 2;
        var remoteHalf = await session.MeasureAsync("grain on A → grain on B, TCP, half load", options.Callers, half, (c, pick) => relays[c].RelayAsync(remoteKeys[pick], 1));
        var local = await session.MeasureAsync("grain on A → grain on A (baseline)", options.Callers, null, (c, pick) => relays[c].RelayAsync(localKeys[pick], 1));
        var localHalf = await session.MeasureAsync("grain on A → grain on A, same paced rate (baseline)", options.Callers, half, (c, pick) => relays[c].RelayAsync(localKeys[pick], 1));
        var routed = await session.MeasureAsync("A's GrainFactory, outside a grain → grain on B, TCP", options.Callers, null, (_, pick) => viaRouter[pick].PingAsync(1));
        var peers = await session.MeasureAsync("A's SiloPeers client → grain on B, TCP", options.Callers, null, (_, pick) => viaPeers[pick].PingAsync(1));
        CheckPlacement(a, b, options);

        var n = options.Callers;
        var comparisons = new List<Comparison>
        {
            new($"Throughput, {n} callers: A → B", "calls/s", remote.CallsPerSecond, "A → A", local.CallsPerSecond),
            new($"p50 at max load: A → B", "µs", remote.P50Us, "A → A", local.P50Us),
            new($"p99 at max load: A → B", "µs", remote.P99Us, "A → A", local.P99Us),
            new($"p50 at half load ({ReportPrinter.N(half)}/s): A → B", "µs", remoteHalf.P50Us, "A → A, same rate", localHalf.P50Us),
            new($"p99 at half load ({ReportPrinter.N(half)}/s): A → B", "µs", remoteHalf.P99Us, "A → A, same rate", localHalf.P99Us),
            new($"Throughput, {n} callers: A → B through the relay grain", "calls/s", remote.CallsPerSecond, "A's GrainFactory outside a grain → B", routed.CallsPerSecond),
            new($"Throughput, {n} callers: A's GrainFactory outside a grain → B", "calls/s", routed.CallsPerSecond, "SiloPeers client → B", peers.CallsPerSecond),
            new($"CPU per call, {n} callers: A → B through the relay grain", "µs", remote.CpuUsPerCall, "SiloPeers client → B", peers.CpuUsPerCall),
            new($"Allocated per call, {n} callers: A → B through the relay grain", "B", remote.AllocatedBytesPerCall, "SiloPeers client → B", peers.AllocatedBytesPerCall),
            new($"CPU per call, {n} callers: A → B", "µs", remote.CpuUsPerCall, "A → A", local.CpuUsPerCall),
            new($"Allocated per call, {n} callers: A → B", "B", remote.AllocatedBytesPerCall, "A → A", local.AllocatedBytesPerCall),
        };
        var targets = new List<TargetCheck>
        {
            new($"(client→silo target applied to silo→silo) p99 ≤ {ClientSiloMode.TargetP99.TotalMilliseconds} ms at half load",
                $"p99 {ReportPrinter.F(remoteHalf.P99Us)} µs at {ReportPrinter.N(remoteHalf.CallsPerSecond)} calls/s",
                remoteHalf.P99Us <= ClientSiloMode.TargetP99.TotalMicroseconds),
        };
        var notes = new List<string>
        {
            $"Two cluster members in this process (both silos, the callers and PostgreSQL share {Environment.ProcessorCount} cores), " +
            "ClusterOptions defaults except Placement = PreferLocal; PostgreSQL holds only membership and the grain directory.",
            $"A holds {options.Callers} relay grains and {options.Grains:N0} local echo grains, B holds {options.Grains:N0} echo grains " +
            "(checked before and after the runs); every route was looked up before the first run, so timed calls use the router's cached hint.",
            "A call to a grain on B: caller → relay grain's turn on A → GrainFactory.GetGrain<IEchoGrain> → ClusterRouter.RouteAsync → " +
            "SiloPeers.Client(B).InvokeAsync → TCP → B's SiloConnectionHandler → echo grain, and back.",
        };
        return new ModeReport("silo-silo", notes, session.Results, comparisons, [], targets);
    }

    private static void CheckPlacement(BenchHost a, BenchHost b, BenchOptions options)
    {
        if (a.Runtime.ActivationCount != options.Grains + options.Callers || b.Runtime.ActivationCount != options.Grains)
        {
            throw new InvalidOperationException(
                $"Expected {options.Grains + options.Callers} activations on A and {options.Grains} on B, " +
                $"found {a.Runtime.ActivationCount} and {b.Runtime.ActivationCount}.");
        }
    }
}
