using System.Diagnostics;
using Tollgate.Bench;

namespace Tollgate.Cluster.Benchmarks.Load;

/// <summary>
/// Runs a <see cref="LoadSpec"/>: starts its callers (closed-loop tasks, or a <see cref="Pacer"/>), lets them warm
/// up, then times every call that completes in the recorded window with <see cref="Stopwatch.GetTimestamp"/> into
/// a per-caller <see cref="LatencyHistogram"/>.
/// </summary>
public static class LoadRunner
{
    /// <summary>
    /// Runs <paramref name="spec"/>; <paramref name="call"/> gets the caller's index and the picked target index and
    /// makes one call. A call that throws counts as an error, not as a latency sample.
    /// </summary>
    public static async Task<LoadResult> RunAsync(LoadSpec spec, Func<int, int, Task> call)
    {
        var phase = new RunPhase();
        var callers = Enumerable.Range(0, spec.Callers).Select(c => new CallerState(c, spec.Targets)).ToArray();
        var origin = Stopwatch.GetTimestamp();
        Pacer? pacer = null;
        Task running;
        if (spec.TargetCallsPerSecond is { } rate)
        {
            pacer = new Pacer(rate, origin, callers, call, phase);
            running = Task.CompletedTask;
        }
        else
        {
            running = Task.WhenAll(callers.Select(caller => Task.Run(async () =>
            {
                while (phase.Value != RunPhase.Stopped)
                {
                    await caller.CallAsync(call, phase, long.MaxValue);
                }
            })));
        }

        await Task.Delay(spec.Warmup);
        var before = ProcessCounters.Take();
        phase.Value = RunPhase.Measuring;
        await Task.Delay(spec.Duration);
        phase.Value = RunPhase.Stopped;
        var after = ProcessCounters.Take();
        await (pacer?.StopAsync() ?? Task.CompletedTask);
        await running;

        var sent = new LatencyHistogram();
        var scheduled = new LatencyHistogram();
        long errors = 0;
        foreach (var caller in callers)
        {
            sent.Add(caller.Sent);
            scheduled.Add(caller.FromSchedule);
            errors += caller.Errors;
        }

        var seconds = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds;
        var calls = Math.Max(1, sent.Count);
        var paced = spec.TargetCallsPerSecond is not null;
        var (machineBusy, machineStolen) = after.Machine.CoresSince(before.Machine);
        return new LoadResult(
            spec.Name,
            spec.Callers,
            spec.TargetCallsPerSecond,
            seconds,
            sent.Count,
            errors,
            sent.Count / seconds,
            sent.MeanMicroseconds,
            sent.PercentileMicroseconds(0.50),
            sent.PercentileMicroseconds(0.90),
            sent.PercentileMicroseconds(0.99),
            sent.PercentileMicroseconds(0.999),
            sent.MaxMicroseconds,
            paced ? scheduled.PercentileMicroseconds(0.50) : null,
            paced ? scheduled.PercentileMicroseconds(0.99) : null,
            (after.Cpu - before.Cpu).TotalMicroseconds / calls,
            (after.Cpu - before.Cpu).TotalSeconds / seconds,
            machineBusy,
            machineStolen,
            (after.AllocatedBytes - before.AllocatedBytes) / (double)calls,
            after.Gen0 - before.Gen0,
            after.Gen1 - before.Gen1,
            after.Gen2 - before.Gen2,
            (after.GcPause - before.GcPause).TotalMilliseconds,
            (after.ThreadPoolWorkItems - before.ThreadPoolWorkItems) / (double)calls,
            ThreadPool.ThreadCount,
            after.LockContentions - before.LockContentions);
    }
}
