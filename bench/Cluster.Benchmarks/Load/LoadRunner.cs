using System.Diagnostics;

namespace Tollgate.Cluster.Benchmarks.Load;

/// <summary>
/// Runs a <see cref="LoadSpec"/>: starts its callers, lets them warm up, then times every call that completes in
/// the recorded window with <see cref="Stopwatch.GetTimestamp"/> into a per-caller <see cref="LatencyHistogram"/>.
/// </summary>
public static class LoadRunner
{
    private const int WarmingUp = 0;
    private const int Measuring = 1;
    private const int Stopped = 2;

    /// <summary>
    /// Runs <paramref name="spec"/>; <paramref name="call"/> gets the caller's index and the picked target index and
    /// makes one call. A call that throws counts as an error, not as a latency sample.
    /// </summary>
    public static async Task<LoadResult> RunAsync(LoadSpec spec, Func<int, int, Task> call)
    {
        var phase = new Phase();
        var callers = new Caller[spec.Callers];
        var origin = Stopwatch.GetTimestamp();
        var running = new Task[spec.Callers];
        for (var c = 0; c < spec.Callers; c++)
        {
            var caller = callers[c] = new Caller(c, spec, origin);
            running[c] = Task.Run(() => caller.RunAsync(call, phase));
        }

        await Task.Delay(spec.Warmup);
        var before = ProcessCounters.Take();
        phase.Value = Measuring;
        await Task.Delay(spec.Duration);
        phase.Value = Stopped;
        var after = ProcessCounters.Take();
        await Task.WhenAll(running);

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

    /// <summary>Which part of the run it is; read by every caller after every call.</summary>
    private sealed class Phase
    {
        private int _value;

        public int Value
        {
            get => Volatile.Read(ref _value);
            set => Volatile.Write(ref _value, value);
        }
    }

    /// <summary>One caller: its own pick sequence, schedule and histograms.</summary>
    private sealed class Caller(int index, LoadSpec spec, long origin)
    {
        public LatencyHistogram Sent { get; } = new();

        public LatencyHistogram FromSchedule { get; } = new();

        public long Errors { get; private set; }

        public async Task RunAsync(Func<int, int, Task> call, Phase phase)
        {
            // A fixed-seed xorshift per caller: the same picks on every run.
            var x = 0x2545F491u ^ (uint)((index + 1) * 0x9E3779B9u);
            double interval = 0;
            double next = origin;
            if (spec.TargetCallsPerSecond is { } rate)
            {
                interval = spec.Callers * Stopwatch.Frequency / rate;
                next = origin + (index * Stopwatch.Frequency / rate);
            }

            while (phase.Value != Stopped)
            {
                var slot = long.MaxValue;
                if (interval > 0)
                {
                    slot = (long)next;
                    next += interval;
                    var wait = slot - Stopwatch.GetTimestamp();
                    if (wait > 0)
                    {
                        // Under 1 ms this completes at once (timer granularity): the call goes a little early.
                        await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency));
                    }
                }

                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                var pick = (int)(x % (uint)spec.Targets);
                var failed = false;
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await call(index, pick);
                }
                catch (Exception)
                {
                    failed = true;
                }

                var end = Stopwatch.GetTimestamp();
                if (phase.Value != Measuring)
                {
                    continue;
                }

                if (failed)
                {
                    Errors++;
                    continue;
                }

                Sent.Record(end - start);
                FromSchedule.Record(end - Math.Min(slot, start));
            }
        }
    }
}
