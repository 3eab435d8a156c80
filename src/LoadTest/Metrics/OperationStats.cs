namespace Tollgate.LoadTest.Metrics;

/// <summary>One operation's requests in one phase: answers, the latency of every HTTP answer, errors by code.</summary>
public sealed class OperationStats
{
    private long _requests;
    private long _ok;

    public LatencyHistogram Latency { get; } = new();

    public ErrorCounts Errors { get; } = new();

    public long Requests => Interlocked.Read(ref _requests);

    public long Ok => Interlocked.Read(ref _ok);

    public void Record(Attempt attempt)
    {
        Interlocked.Increment(ref _requests);
        if (attempt.Failure == Failure.None)
        {
            Latency.Record(attempt.Ticks);
        }

        if (attempt.Ok)
        {
            Interlocked.Increment(ref _ok);
        }
        else
        {
            Errors.Record(attempt);
        }
    }

    public void Add(OperationStats other)
    {
        _requests += other._requests;
        _ok += other._ok;
        Latency.Add(other.Latency);
        Errors.Add(other.Errors);
    }
}
