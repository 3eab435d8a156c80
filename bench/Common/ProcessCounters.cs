using System.Diagnostics;

namespace Tollgate.Bench;

/// <summary>Process-wide counters read at both ends of a measurement window; the differences go in each benchmark's result.</summary>
public sealed record ProcessCounters(
    long Timestamp,
    TimeSpan Cpu,
    long AllocatedBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    TimeSpan GcPause,
    long ThreadPoolWorkItems,
    long LockContentions,
    MachineCpu Machine)
{
    public static ProcessCounters Take()
    {
        using var process = Process.GetCurrentProcess();
        return new ProcessCounters(
            Stopwatch.GetTimestamp(),
            process.TotalProcessorTime,
            GC.GetTotalAllocatedBytes(precise: true),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalPauseDuration(),
            ThreadPool.CompletedWorkItemCount,
            Monitor.LockContentionCount,
            MachineCpu.Take());
    }
}
