using System.Globalization;

namespace Tollgate.LoadTest.Audit;

/// <summary>
/// Every consume the run sent, by its idempotency key <c>{run}.{loop}.{seq}.{subscription}</c>, and how it ended:
/// acknowledged (200), refused (a definite 4xx), or pending (no definite answer: unknown). Each loop writes only its
/// own slots, so recording takes no lock; the audit reads the ledger after the loops ended.
/// </summary>
public sealed class ConsumeLedger
{
    public const byte Pending = 1;
    public const byte Acknowledged = 2;
    public const byte Refused = 3;

    private readonly byte[][] _states;
    private readonly int[] _lengths;
    private readonly long[] _sentTo;
    private long _firstAttemptReplays;
    private long _retryReplays;

    public ConsumeLedger(string runId, int loops, int subscriptions)
    {
        RunId = runId;
        _states = Enumerable.Range(0, loops).Select(_ => new byte[1024]).ToArray();
        _lengths = new int[loops];
        _sentTo = new long[subscriptions];
    }

    public string RunId { get; }

    public int Loops => _states.Length;

    public int Subscriptions => _sentTo.Length;

    /// <summary>A 200 with <c>replayed:true</c> on a key's first attempt: the key was applied before it was ever sent.</summary>
    public long FirstAttemptReplays => Interlocked.Read(ref _firstAttemptReplays);

    /// <summary>Retries answered <c>replayed:true</c>: an earlier attempt had been applied though its answer was lost.</summary>
    public long RetryReplays => Interlocked.Read(ref _retryReplays);

    /// <summary>Opens the next consume of loop <paramref name="loop"/> on <paramref name="subscription"/>; returns its sequence number.</summary>
    public int Begin(int loop, int subscription)
    {
        var seq = _lengths[loop];
        if (seq == _states[loop].Length)
        {
            Array.Resize(ref _states[loop], seq * 2);
        }

        _states[loop][seq] = Pending;
        _lengths[loop] = seq + 1;
        Interlocked.Increment(ref _sentTo[subscription]);
        return seq;
    }

    public void Settle(int loop, int seq, byte state) => _states[loop][seq] = state;

    public void CountReplay(bool firstAttempt) => Interlocked.Increment(ref firstAttempt ? ref _firstAttemptReplays : ref _retryReplays);

    public string Key(int loop, int seq, int subscription) => string.Create(CultureInfo.InvariantCulture, $"{RunId}.{loop}.{seq}.{subscription}");

    /// <summary>The loop, sequence and subscription a key of this run names; false for any other key.</summary>
    public bool TryParse(string key, out int loop, out int seq, out int subscription)
    {
        loop = seq = subscription = -1;
        var parts = key.Split('.');
        return parts.Length == 4 && parts[0] == RunId
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out loop) && loop < Loops
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out seq) && seq < _lengths[loop]
            && int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out subscription) && subscription < Subscriptions;
    }

    public int Length(int loop) => _lengths[loop];

    public byte State(int loop, int seq) => _states[loop][seq];

    public long SentTo(int subscription) => Interlocked.Read(ref _sentTo[subscription]);

    /// <summary>Consumes in <paramref name="state"/>, over all loops.</summary>
    public long Count(byte state)
    {
        long count = 0;
        for (var loop = 0; loop < Loops; loop++)
        {
            count += _states[loop].AsSpan(0, _lengths[loop]).Count(state);
        }

        return count;
    }

    public long Sent => _lengths.Sum(l => (long)l);
}
