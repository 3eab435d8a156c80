using System.Diagnostics;

namespace Tollgate.LoadTest.Load;

/// <summary>
/// The open-loop schedule: request <c>k</c> is due at <c>start + k / rate</c>, whichever loop takes it. A loop that
/// takes a slot already past sends at once, and its latency counts from the slot (so a slow server cannot hide its
/// queueing by slowing the client down); slots taken more than 10 ms late are counted.
/// </summary>
public sealed class Pacer(double rate)
{
    private static readonly long LateTicks = Stopwatch.Frequency / 100;
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly double _ticksPerRequest = Stopwatch.Frequency / rate;
    private long _issued;
    private long _late;

    public long Late => Interlocked.Read(ref _late);

    /// <summary>Waits for the next slot; returns its due time in <see cref="Stopwatch"/> ticks.</summary>
    public async ValueTask<long> NextAsync(CancellationToken cancellationToken)
    {
        var due = _start + (long)(Interlocked.Increment(ref _issued) * _ticksPerRequest);
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
        if (wait > TimeSpan.FromMilliseconds(1))
        {
            await Task.Delay(wait, cancellationToken);
        }
        else if (Stopwatch.GetTimestamp() - due > LateTicks)
        {
            Interlocked.Increment(ref _late);
        }

        return due;
    }
}
