using System.Diagnostics;
using Tollgate.Bench;

namespace Tollgate.Cluster.Benchmarks.Load;

/// <summary>
/// One caller of a run: its pseudo-random picks (a fixed-seed xorshift, the same on every run) and its own
/// histograms, so recording needs no lock. A caller makes one call at a time.
/// </summary>
internal sealed class CallerState(int index, int targets)
{
    private uint _x = 0x2545F491u ^ (uint)((index + 1) * 0x9E3779B9u);

    public int Index { get; } = index;

    public LatencyHistogram Sent { get; } = new();

    public LatencyHistogram FromSchedule { get; } = new();

    public long Errors { get; private set; }

    public int NextPick()
    {
        _x ^= _x << 13;
        _x ^= _x >> 17;
        _x ^= _x << 5;
        return (int)(_x % (uint)targets);
    }

    /// <summary>
    /// Makes one call and, if it ends while measuring, records it: from <paramref name="slot"/> (its due time,
    /// <see cref="long.MaxValue"/> when unpaced) or from its start, whichever is earlier, and from its start.
    /// </summary>
    public async Task CallAsync(Func<int, int, Task> call, RunPhase phase, long slot)
    {
        var pick = NextPick();
        var failed = false;
        var start = Stopwatch.GetTimestamp();
        try
        {
            await call(Index, pick);
        }
        catch (Exception)
        {
            failed = true;
        }

        var end = Stopwatch.GetTimestamp();
        if (phase.Value != RunPhase.Measuring)
        {
            return;
        }

        if (failed)
        {
            Errors++;
            return;
        }

        Sent.Record(end - start);
        FromSchedule.Record(end - Math.Min(slot, start));
    }
}
