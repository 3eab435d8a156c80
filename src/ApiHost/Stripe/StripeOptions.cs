using System.ComponentModel.DataAnnotations;

namespace Tollgate.ApiHost.Stripe;

/// <summary>Stripe's HTTP API and webhooks (section <c>Stripe</c>).</summary>
public sealed class StripeOptions
{
    public const string Section = "Stripe";

    /// <summary>Base address of Stripe's API; a stand-in server in tests.</summary>
    [Required]
    [Url]
    public string ApiBase { get; set; } = "https://api.stripe.com";

    /// <summary>
    /// The secret API key (<c>sk_…</c>, or a restricted <c>rk_…</c> with Checkout Sessions write and Subscriptions read):
    /// creates Checkout Sessions and fetches a subscription when two webhooks cannot be ordered. Without it, such
    /// webhooks are ordered by the monotonic rule alone (README, "Stripe").
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>
    /// Webhook endpoint secrets (<c>whsec_…</c>); a signature matching any of them is accepted (rotation). An entry may
    /// hold several comma-separated secrets (<c>Stripe__WebhookSecrets=whsec_old,whsec_new</c>); use
    /// <see cref="EffectiveWebhookSecrets"/>.
    /// </summary>
    public string[] WebhookSecrets { get; set; } = [];

    /// <summary>Largest accepted distance between a webhook's signed timestamp and now, either side.</summary>
    [Range(1, 86_400)]
    public int WebhookToleranceSeconds { get; set; } = StripeWebhookVerifier.DefaultToleranceSeconds;

    /// <summary>How many times Stripe.net retries a call that failed to connect, or answered 409 or 5xx (same idempotency key).</summary>
    [Range(0, 5)]
    public int MaxNetworkRetries { get; set; } = 2;

    /// <summary>Where Checkout returns after payment; null: the caller derives it from <c>FRONTEND_URL</c>.</summary>
    public string? SuccessUrl { get; set; }

    /// <summary>Where Checkout returns when abandoned; null: the caller derives it from <c>FRONTEND_URL</c>.</summary>
    public string? CancelUrl { get; set; }

    /// <summary>The webhook secrets with comma-separated entries split, blanks trimmed and empties dropped.</summary>
    public IReadOnlyList<string> EffectiveWebhookSecrets =>
        WebhookSecrets
            .SelectMany(entry => (entry ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
}
