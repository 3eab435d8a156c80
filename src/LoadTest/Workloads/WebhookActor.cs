using System.Collections.Concurrent;
using Tollgate.LoadTest.Http;
using Tollgate.LoadTest.Metrics;
using Tollgate.LoadTest.Seeding;

namespace Tollgate.LoadTest.Workloads;

/// <summary>
/// The mixed scenario's Stripe: every <c>--webhook-interval</c>, a burst of signed <c>customer.subscription.updated</c>
/// events on random seeded subscriptions, sent together, among them one older than the seed (out of order: stored,
/// not applied) and, after the burst, one delivered again (a duplicate: acknowledged, changes nothing). A 5xx or a
/// lost answer is retried as Stripe retries. None changes a period, so the consume audit stays exact.
/// </summary>
public sealed class WebhookActor(World world, TimedRequests requests, string secret, int burst, TimeSpan interval)
{
    private const int MaxAttempts = 5;
    private readonly ConcurrentDictionary<string, bool> _acknowledged = new(StringComparer.Ordinal);
    private long _deliveries;

    /// <summary>Ids of the events answered 200 at least once.</summary>
    public IReadOnlyCollection<string> Acknowledged => [.. _acknowledged.Keys];

    /// <summary>Deliveries answered (any status), retries included.</summary>
    public long Deliveries => Interlocked.Read(ref _deliveries);

    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            for (var round = 0; await timer.WaitForNextTickAsync(stop); round++)
            {
                await BurstAsync(round, stop);
            }
        }
        catch (OperationCanceledException)
        {
            // the load ended
        }
    }

    private async Task BurstAsync(int round, CancellationToken stop)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var events = Enumerable.Range(0, burst).Select(i =>
        {
            var id = $"evt_{world.RunId}_r{round}_{i}";
            var created = i == 0 ? world.PeriodStart - 3600 : now;
            return (Id: id, Payload: StripeEvents.SubscriptionEvent(id, "customer.subscription.updated", created, world, Random.Shared.Next(world.SubscriptionCount)));
        }).ToArray();
        await Task.WhenAll(events.Select(e => DeliverAsync(e.Id, e.Payload, stop)));
        await DeliverAsync(events[^1].Id, events[^1].Payload, stop);
    }

    private async Task DeliverAsync(string id, byte[] payload, CancellationToken stop)
    {
        var body = new BodyBuffer();
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var signature = StripeEvents.Sign(secret, payload);
            var answer = await requests.SendAsync(Operation.Webhook, HttpMethod.Post, "/api/stripe/webhook", payload, null, body, stop,
                headers: [new("Stripe-Signature", signature)]);
            if (answer is not null)
            {
                Interlocked.Increment(ref _deliveries);
            }

            if (answer is not { Retriable: true })
            {
                if (answer is { Ok: true })
                {
                    _acknowledged[id] = true;
                }

                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), CancellationToken.None);
        }
    }
}
