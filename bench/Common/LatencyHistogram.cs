using System.Diagnostics;
using System.Numerics;

namespace Tollgate.Bench;

/// <summary>
/// Counts of call durations in nanoseconds: exact below 1,024 ns, then 512 buckets per power of two (bucket width
/// under 0.2 % of the value), up to about 18 minutes. One per caller, so recording takes no lock; merged at the end.
/// Percentiles are read as the middle of their bucket.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBits = 9;
    private const int Exact = 1 << (SubBits + 1);
    private const int MaxExponent = 40;
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    private readonly long[] _counts = new long[Exact + ((MaxExponent - SubBits) * (1 << SubBits))];
    private long _max;
    private double _sum;

    public long Count { get; private set; }

    /// <summary>Records one call that took <paramref name="ticks"/> <see cref="Stopwatch"/> ticks.</summary>
    public void Record(long ticks)
    {
        var nanoseconds = (long)(Math.Max(0, ticks) * NanosecondsPerTick);
        _counts[Index(nanoseconds)]++;
        _max = Math.Max(_max, nanoseconds);
        _sum += nanoseconds;
        Count++;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        _max = Math.Max(_max, other._max);
        _sum += other._sum;
        Count += other.Count;
    }

    public double MeanMicroseconds => Count == 0 ? 0 : _sum / Count / 1e3;

    public double MaxMicroseconds => _max / 1e3;

    /// <summary>The duration, in microseconds, that a share <paramref name="quantile"/> of the calls did not exceed.</summary>
    public double PercentileMicroseconds(double quantile)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(Middle(i), _max) / 1e3;
            }
        }

        return _max / 1e3;
    }

    private static int Index(long nanoseconds)
    {
        if (nanoseconds < Exact)
        {
            return (int)nanoseconds;
        }

        var exponent = Math.Min(63 - BitOperations.LeadingZeroCount((ulong)nanoseconds), MaxExponent);
        var sub = (int)Math.Min((nanoseconds >> (exponent - SubBits)) - (1 << SubBits), (1 << SubBits) - 1);
        return Exact + ((exponent - SubBits - 1) * (1 << SubBits)) + sub;
    }

    private static double Middle(int index)
    {
        if (index < Exact)
        {
            return index;
        }

        var exponent = ((index - Exact) >> SubBits) + SubBits + 1;
        var sub = (index - Exact) & ((1 << SubBits) - 1);
        var width = 1L << (exponent - SubBits);
        return (((1L << SubBits) + sub) * width) + (width / 2.0);
    }
}
