using Stripe;
using Tollgate.LoadTest.Http;

namespace Tollgate.LoadTest.Seeding;

/// <summary>Stripe subscription events as Stripe sends them (API 2025+: the period on the item), posted with a valid signature.</summary>
public sealed class StripeEvents(ApiClient api, string webhookSecret)
{
    /// <summary>A <c>customer.subscription.*</c> event for one seeded subscription, active, in the seeded period.</summary>
    public static byte[] SubscriptionEvent(string eventId, string type, long created, World world, int subscription)
    {
        var (userId, agent) = world.Subscription(subscription);
        return System.Text.Encoding.UTF8.GetBytes(StripeSubscriptionEvent.Json(
            eventId, type, created, userId, agent.Id, agent.PriceId, "active", world.PeriodStart, world.PeriodEnd,
            $"sub_{world.RunId}_{subscription}", $"cus_{world.RunId}"));
    }

    /// <summary>Posts <paramref name="payload"/> to <c>/api/stripe/webhook</c> signed with the secret, as Stripe does.</summary>
    public Task<ApiAnswer> PostAsync(byte[] payload, CancellationToken cancellationToken = default)
    {
        var signature = Sign(webhookSecret, payload);
        return api.SendAsync(HttpMethod.Post, "/api/stripe/webhook", payload, null, [new("Stripe-Signature", signature)], cancellationToken);
    }

    /// <summary>The <c>Stripe-Signature</c> header Stripe would send for <paramref name="payload"/> now, made by Stripe.net.</summary>
    public static string Sign(string secret, byte[] payload) =>
        EventUtility.GenerateSignatureHeader(System.Text.Encoding.UTF8.GetString(payload), secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    /// <summary>Why a refused webhook was refused, in the words an operator needs.</summary>
    public static string Explain(ApiAnswer answer) =>
        answer.Code == "INVALID_SIGNATURE"
            ? $"the cluster refused a signed webhook ({answer.Describe()}): --webhook-secret must be one of the API hosts' Stripe:WebhookSecrets (scripts/local-cluster.sh sets {Options.LoadTestOptions.DefaultWebhookSecret})"
            : $"the cluster refused a subscription webhook: {answer.Describe()}";
}
