namespace Tollgate.LoadTest.Metrics;

/// <summary>
/// One request's end: its HTTP status (0 without an answer) or <see cref="Failure"/>, and its latency in
/// <see cref="System.Diagnostics.Stopwatch"/> ticks. Retriable: a transient error after which a client sends the same
/// request (with the same idempotency key) again: no answer, 5xx, 408, or 429 (rate limited, <c>Retry-After</c>).
/// </summary>
public readonly record struct Attempt(int Status, Failure Failure, long Ticks)
{
    public bool Ok => Status == 200;

    public bool Retriable => Failure != Failure.None || Status >= 500 || Status is 408 or 429;
}
