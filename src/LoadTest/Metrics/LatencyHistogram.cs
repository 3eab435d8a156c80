using System.Diagnostics;
using System.Numerics;

namespace Tollgate.LoadTest.Metrics;

/// <summary>
/// Latencies in microseconds, in log-linear buckets: exact below 64 µs, then 32 buckets per power of two (at most
/// 3 % wide), up to days; about 9 KB whatever the count. Many loops record into one histogram at once with
/// interlocked increments, so a phase or a one-second interval needs no per-loop copies and no lock.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBits = 5;
    private const int Linear = 1 << (SubBits + 1);
    private const int MaxExponent = 40;
    private static readonly double MicrosecondsPerTick = 1e6 / Stopwatch.Frequency;

    private readonly long[] _counts = new long[Linear + ((MaxExponent - SubBits) << SubBits)];
    private long _count;
    private long _max;

    public long Count => Interlocked.Read(ref _count);

    public double MaxMilliseconds => Interlocked.Read(ref _max) / 1e3;

    /// <summary>Records one latency of <paramref name="ticks"/> <see cref="Stopwatch"/> ticks.</summary>
    public void Record(long ticks)
    {
        var micros = (long)(Math.Max(0, ticks) * MicrosecondsPerTick);
        Interlocked.Increment(ref _counts[Index(micros)]);
        Interlocked.Increment(ref _count);
        var max = Interlocked.Read(ref _max);
        while (micros > max)
        {
            var seen = Interlocked.CompareExchange(ref _max, micros, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>Adds <paramref name="other"/>'s counts (after its recording ended) to this one.</summary>
    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        _count += other._count;
        _max = Math.Max(_max, other._max);
    }

    /// <summary>The latency that a share <paramref name="quantile"/> of the recorded ones did not exceed (the top of its bucket).</summary>
    public double PercentileMilliseconds(double quantile)
    {
        var count = Count;
        if (count == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(Top(i), Interlocked.Read(ref _max)) / 1e3;
            }
        }

        return MaxMilliseconds;
    }

    private static int Index(long micros)
    {
        if (micros < Linear)
        {
            return (int)micros;
        }

        var exponent = Math.Min(63 - BitOperations.LeadingZeroCount((ulong)micros), MaxExponent);
        var sub = (int)Math.Min((micros >> (exponent - SubBits)) - (1 << SubBits), (1 << SubBits) - 1);
        return Linear + ((exponent - SubBits - 1) << SubBits) + sub;
    }

    private static long Top(int index)
    {
        if (index < Linear)
        {
            return index;
        }

        var exponent = ((index - Linear) >> SubBits) + SubBits + 1;
        var sub = (index - Linear) & ((1 << SubBits) - 1);
        var width = 1L << (exponent - SubBits);
        return (((1L << SubBits) + sub) * width) + width - 1;
    }
}
