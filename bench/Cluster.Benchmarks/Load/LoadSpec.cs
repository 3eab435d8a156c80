namespace Tollgate.Cluster.Benchmarks.Load;

/// <summary>
/// One timed run: <see cref="Callers"/> concurrent callers, each calling pseudo-randomly picked targets below
/// <see cref="Targets"/>, for <see cref="Warmup"/> (not recorded) and then <see cref="Duration"/> (recorded).
/// With <see cref="TargetCallsPerSecond"/> the callers are paced: caller <c>c</c>'s <c>k</c>-th call is scheduled at
/// <c>(k · callers + c) / rate</c> after the start, and a caller that is behind calls at once until it catches up.
/// Without it they are closed-loop: each calls again as soon as its previous call completes.
/// </summary>
public sealed record LoadSpec(string Name, int Callers, int Targets, TimeSpan Warmup, TimeSpan Duration, double? TargetCallsPerSecond = null);
