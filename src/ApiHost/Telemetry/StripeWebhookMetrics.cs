using System.Diagnostics.Metrics;
using Tollgate.Grains.Billing;

namespace Tollgate.ApiHost.Telemetry;

/// <summary>
/// Stripe webhook deliveries by event type and outcome. Types Tollgate handles are named; any other verified type
/// is <c>other</c> (its outcome is <c>ignored</c>), and a delivery that did not verify or parse is <c>unknown</c>:
/// a label never takes a value the sender chose freely.
/// </summary>
internal static class StripeWebhookMetrics
{
    private const string Other = "other";
    private const string Unknown = "unknown";

    private static readonly Counter<long> Events = ApiMeter.Instance.CreateCounter<long>(
        "tollgate.stripe.webhook.events", "{event}",
        "Stripe webhook deliveries by event type and outcome: applied, ignored, duplicate, failed (500, Stripe retries), invalid, invalid_signature.");

    private static readonly Dictionary<string, string> Handled = StripeEventParser.HandledTypes.ToDictionary(type => type, StringComparer.Ordinal);

    /// <summary>The Stripe-Signature header did not verify: nothing in the body can be trusted, its type included.</summary>
    public static void InvalidSignature() => Count(Unknown, "invalid_signature");

    /// <summary>Verified, but not an event Tollgate can store.</summary>
    public static void Invalid(string? type) => Count(Label(type), "invalid");

    /// <summary>What the event grain did with a stored event.</summary>
    public static void Received(string type, StripeEventOutcome outcome)
    {
        var label = Label(type);
        Count(label, outcome switch
        {
            { Rejected: not null } => "invalid",
            { Processed: true, Duplicate: true } => "duplicate",
            { Processed: true } when label == Other => "ignored",
            { Processed: true } => "applied",
            _ => "failed",
        });
    }

    private static string Label(string? type) => type is null ? Unknown : Handled.GetValueOrDefault(type, Other);

    private static void Count(string type, string outcome) =>
        Events.Add(1, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("outcome", outcome));
}
