using System.Text.Json;

namespace Tollgate.LoadTest.Seeding;

/// <summary>
/// A <c>customer.subscription.*</c> event as Stripe sends it (API 2025+: the period lives on the subscription item), with
/// the <c>userId</c>/<c>agentId</c> metadata Tollgate's checkout puts there. The one builder of these payloads: the
/// load tester, the benchmarks and the tests all post what it writes.
/// </summary>
public static class StripeSubscriptionEvent
{
    public static string Json(
        string eventId, string type, long created, string userId, string agentId, string priceId, string status, long periodStart, long periodEnd,
        string subscriptionId, string customerId) =>
        JsonSerializer.Serialize(new
        {
            id = eventId,
            @object = "event",
            type,
            created,
            api_version = Stripe.StripeConfiguration.ApiVersion,
            data = new
            {
                @object = new
                {
                    id = subscriptionId,
                    @object = "subscription",
                    customer = customerId,
                    status,
                    cancel_at_period_end = false,
                    metadata = new { userId, agentId },
                    items = new { data = new[] { new { price = new { id = priceId }, current_period_start = periodStart, current_period_end = periodEnd } } },
                },
            },
        });
}
