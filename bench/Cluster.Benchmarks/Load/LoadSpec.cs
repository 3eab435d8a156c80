namespace Tollgate.Cluster.Benchmarks.Load;

/// <summary>
/// One timed run: <see cref="Callers"/> concurrent callers, each calling pseudo-randomly picked targets below
/// <see cref="Targets"/>, for <see cref="Warmup"/> (not recorded) and then <see cref="Duration"/> (recorded).
/// With <see cref="TargetCallsPerSecond"/> the calls are paced by a <see cref="Pacer"/>: slots come due evenly at
/// that rate and each free caller takes the next one, so at most <see cref="Callers"/> calls are in flight.
/// Without it the callers are closed-loop: each calls again as soon as its previous call completes.
/// </summary>
public sealed record LoadSpec(string Name, int Callers, int Targets, TimeSpan Warmup, TimeSpan Duration, double? TargetCallsPerSecond = null);
