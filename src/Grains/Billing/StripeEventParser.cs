using System.Text.Json;

namespace Tollgate.Grains.Billing;

/// <summary>
/// Reads what a handled Stripe event says about a subscription, across API versions (the billing period moved
/// from the subscription to its items, and an invoice's subscription to <c>parent.subscription_details</c>).
/// </summary>
public static class StripeEventParser
{
    public static readonly string[] HandledTypes =
    [
        "checkout.session.completed", "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
        "customer.subscription.paused", "customer.subscription.resumed", "invoice.paid", "invoice.payment_failed",
    ];

    /// <summary>The update with the (userId, agentId) its metadata names, or null for an event type Tollgate does not handle.</summary>
    public static ParsedStripeEvent? Parse(string eventId, string payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var type = root.GetProperty("type").GetString()!;
        var created = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("created").GetInt64());
        var data = root.GetProperty("data").GetProperty("object");
        return type switch
        {
            "checkout.session.completed" => new ParsedStripeEvent(
                new StripeSubscriptionUpdate(eventId, type, created, true, null, Text(data, "subscription"), Text(data, "customer"), null, null, null, null),
                Text(data, "metadata", "userId") ?? Text(data, "client_reference_id"), Text(data, "metadata", "agentId")),
            _ when type.StartsWith("customer.subscription.", StringComparison.Ordinal) && HandledTypes.Contains(type) => Subscription(eventId, type, created, data),
            "invoice.paid" or "invoice.payment_failed" => Invoice(eventId, type, created, data),
            _ => null,
        };
    }

    private static ParsedStripeEvent Subscription(string eventId, string type, DateTimeOffset created, JsonElement subscription)
    {
        var item = Path(subscription, "items", "data") is { ValueKind: JsonValueKind.Array } items && items.GetArrayLength() > 0 ? items[0] : default;
        var start = Seconds(subscription, "current_period_start") ?? (item.ValueKind == JsonValueKind.Object ? Seconds(item, "current_period_start") : null);
        var end = Seconds(subscription, "current_period_end") ?? (item.ValueKind == JsonValueKind.Object ? Seconds(item, "current_period_end") : null);
        var price = item.ValueKind == JsonValueKind.Object ? Text(item, "price", "id") : null;
        var cancel = subscription.TryGetProperty("cancel_at_period_end", out var c) && c.ValueKind is JsonValueKind.True or JsonValueKind.False ? c.GetBoolean() : (bool?)null;
        return new ParsedStripeEvent(
            new StripeSubscriptionUpdate(eventId, type, created, false, Text(subscription, "status"), Text(subscription, "id"), Text(subscription, "customer"), price, start, end, cancel),
            Text(subscription, "metadata", "userId"), Text(subscription, "metadata", "agentId"));
    }

    private static ParsedStripeEvent Invoice(string eventId, string type, DateTimeOffset created, JsonElement invoice)
    {
        var details = Path(invoice, "subscription_details") ?? Path(invoice, "parent", "subscription_details");
        var subscriptionId = Text(invoice, "subscription") ?? (details is { } d ? Text(d, "subscription") : null);
        var line = Path(invoice, "lines", "data") is { ValueKind: JsonValueKind.Array } lines && lines.GetArrayLength() > 0 ? lines[0] : default;
        var period = line.ValueKind == JsonValueKind.Object ? Path(line, "period") : null;
        var status = type == "invoice.paid" ? SubscriptionStatus.Active : SubscriptionStatus.PastDue;
        return new ParsedStripeEvent(
            new StripeSubscriptionUpdate(eventId, type, created, false, status, subscriptionId, Text(invoice, "customer"), null,
                period is { } p ? Seconds(p, "start") : null, period is { } q ? Seconds(q, "end") : null, null),
            details is { } m ? Text(m, "metadata", "userId") : null, details is { } n ? Text(n, "metadata", "agentId") : null);
    }

    private static JsonElement? Path(JsonElement element, params string[] names)
    {
        foreach (var name in names)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element) || element.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
        }

        return element;
    }

    private static string? Text(JsonElement element, params string[] names) =>
        Path(element, names) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static DateTimeOffset? Seconds(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? DateTimeOffset.FromUnixTimeSeconds(value.GetInt64()) : null;
}
