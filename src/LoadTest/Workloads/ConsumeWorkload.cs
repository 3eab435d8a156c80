using System.Diagnostics;
using System.Net.Http.Headers;
using Tollgate.LoadTest.Audit;
using Tollgate.LoadTest.Http;
using Tollgate.LoadTest.Load;
using Tollgate.LoadTest.Metrics;
using Tollgate.LoadTest.Seeding;

namespace Tollgate.LoadTest.Workloads;

/// <summary>
/// One consume of one unit, as an agent service sends it: the agent's organization key, the user named in the body,
/// a fresh <c>Idempotency-Key</c>. While the outcome is unknown (timeout, 5xx, 429, connection error) it is sent again
/// with the same key, up to <c>--max-attempts</c>, so the ledger knows exactly what the server may have applied.
/// </summary>
public sealed class ConsumeWorkload
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly byte[] Replayed = "\"replayed\":true"u8.ToArray();
    private readonly LoadHttp _http;
    private readonly Recorder _recorder;
    private readonly ConsumeLedger _ledger;
    private readonly RoundRobin _endpoint;
    private readonly byte[][] _bodies;
    private readonly string[] _keys;
    private readonly double _hotShare;
    private readonly int _maxAttempts;

    public ConsumeWorkload(World world, LoadHttp http, Recorder recorder, ConsumeLedger ledger, double hotShare, int maxAttempts)
    {
        (_http, _recorder, _ledger, _hotShare, _maxAttempts) = (http, recorder, ledger, hotShare, maxAttempts);
        _endpoint = http.Endpoint("/api/quota/consume");
        _bodies = Enumerable.Range(0, world.SubscriptionCount).Select(world.ConsumeBody).ToArray();
        _keys = Enumerable.Range(0, world.SubscriptionCount).Select(s => world.Subscription(s).Agent.ApiKey).ToArray();
    }

    public async ValueTask RunAsync(LoopContext loop, long startTicks, CancellationToken abandon)
    {
        var subscription = Pick();
        var seq = _ledger.Begin(loop.Index, subscription);
        var key = _ledger.Key(loop.Index, seq, subscription);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint.Next())
            {
                Content = new ByteArrayContent(_bodies[subscription]) { Headers = { ContentType = Json } },
            };
            request.Headers.TryAddWithoutValidation("x-api-key", _keys[subscription]);
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
            Attempt result;
            try
            {
                result = await _http.SendAsync(request, loop.Body, attempt == 1 ? startTicks : Stopwatch.GetTimestamp(), abandon);
            }
            catch (OperationCanceledException)
            {
                return; // given up at the end of the drain: the outcome stays unknown
            }

            _recorder.Record(Operation.Consume, result);
            if (result.Ok)
            {
                if (loop.Body.Span.IndexOf(Replayed) >= 0)
                {
                    _ledger.CountReplay(firstAttempt: attempt == 1);
                }

                _ledger.Settle(loop.Index, seq, ConsumeLedger.Acknowledged);
                return;
            }

            if (!result.Retriable)
            {
                _ledger.Settle(loop.Index, seq, ConsumeLedger.Refused);
                return;
            }

            if (attempt >= _maxAttempts)
            {
                return;
            }

            try
            {
                await Task.Delay(Backoff(attempt), abandon);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>25 ms doubling to 1 s, with jitter so that retries after a silo leaves do not arrive together.</summary>
    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(1000, 25 << Math.Min(attempt - 1, 6)) * (0.5 + Random.Shared.NextDouble()));

    /// <summary>The hot subscription (0) with probability <c>--hot-share</c>, else any other uniformly; all uniformly without a hot share.</summary>
    private int Pick()
    {
        var count = _bodies.Length;
        if (_hotShare <= 0 || count == 1)
        {
            return Random.Shared.Next(count);
        }

        return Random.Shared.NextDouble() < _hotShare ? 0 : 1 + Random.Shared.Next(count - 1);
    }
}
