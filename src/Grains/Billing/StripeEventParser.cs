using Stripe;
using Stripe.Checkout;

namespace Tollgate.Grains.Billing;

/// <summary>
/// Reads what a handled Stripe event says about a subscription, through Stripe.net's own types (API
/// <c>2026-10-28.endive</c>; the shapes read here are the same from <c>2025-03-31.basil</c> on: the billing period on
/// the subscription's items, an invoice's subscription under <c>parent.subscription_details</c>).
/// </summary>
public static class StripeEventParser
{
    public static readonly string[] HandledTypes =
    [
        EventTypes.CheckoutSessionCompleted, EventTypes.CustomerSubscriptionCreated, EventTypes.CustomerSubscriptionUpdated,
        EventTypes.CustomerSubscriptionDeleted, EventTypes.CustomerSubscriptionPaused, EventTypes.CustomerSubscriptionResumed,
        EventTypes.InvoicePaid, EventTypes.InvoicePaymentFailed,
    ];

    /// <summary>The event as Stripe.net reads it; the API version is checked by the caller (<see cref="StripeApiVersions"/>).</summary>
    public static Event Read(string payload) => EventUtility.ParseEvent(payload, throwOnApiVersionMismatch: false);

    /// <summary>
    /// Why a handled event cannot be applied as sent (its object is not the kind its type names), or null. Unhandled
    /// types are always fine: they are stored and acknowledged.
    /// </summary>
    public static string? Problem(Event stripeEvent) => stripeEvent.Type switch
    {
        _ when !HandledTypes.Contains(stripeEvent.Type) => null,
        EventTypes.CheckoutSessionCompleted when stripeEvent.Data?.Object is not Session => "data.object is not a checkout.session",
        EventTypes.InvoicePaid or EventTypes.InvoicePaymentFailed when stripeEvent.Data?.Object is not Invoice => "data.object is not an invoice",
        _ when stripeEvent.Type.StartsWith("customer.subscription.", StringComparison.Ordinal) && stripeEvent.Data?.Object is not Subscription =>
            "data.object is not a subscription",
        _ => null,
    };

    /// <summary>The update with the (userId, agentId) its metadata names, or null for an event type Tollgate does not handle.</summary>
    public static ParsedStripeEvent? Parse(string eventId, string payload)
    {
        var stripeEvent = Read(payload);
        var created = new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc));
        return stripeEvent.Data?.Object switch
        {
            Session session when stripeEvent.Type == EventTypes.CheckoutSessionCompleted => new ParsedStripeEvent(
                new StripeSubscriptionUpdate(eventId, stripeEvent.Type, created, true, null, session.SubscriptionId, session.CustomerId, null, null, null, null),
                Meta(session.Metadata, "userId") ?? session.ClientReferenceId, Meta(session.Metadata, "agentId")),
            Subscription subscription when HandledTypes.Contains(stripeEvent.Type) && stripeEvent.Type.StartsWith("customer.subscription.", StringComparison.Ordinal) =>
                FromSubscription(eventId, stripeEvent.Type, created, subscription),
            Invoice invoice when stripeEvent.Type is EventTypes.InvoicePaid or EventTypes.InvoicePaymentFailed => FromInvoice(eventId, stripeEvent.Type, created, invoice),
            _ => null,
        };
    }

    /// <summary>A subscription object (an event's, or one fetched from Stripe) as an update.</summary>
    public static ParsedStripeEvent FromSubscription(string eventId, string type, DateTimeOffset created, Subscription subscription)
    {
        var item = subscription.Items?.Data is { Count: > 0 } items ? items[0] : null;
        return new ParsedStripeEvent(
            new StripeSubscriptionUpdate(eventId, type, created, false, subscription.Status, subscription.Id, subscription.CustomerId, item?.Price?.Id,
                Instant(item?.CurrentPeriodStart), Instant(item?.CurrentPeriodEnd), subscription.CancelAtPeriodEnd),
            Meta(subscription.Metadata, "userId"), Meta(subscription.Metadata, "agentId"));
    }

    private static ParsedStripeEvent FromInvoice(string eventId, string type, DateTimeOffset created, Invoice invoice)
    {
        var details = invoice.Parent?.SubscriptionDetails;
        var period = invoice.Lines?.Data is { Count: > 0 } lines ? lines[0].Period : null;
        var status = type == EventTypes.InvoicePaid ? SubscriptionStatus.Active : SubscriptionStatus.PastDue;
        return new ParsedStripeEvent(
            new StripeSubscriptionUpdate(eventId, type, created, false, status, details?.SubscriptionId, invoice.CustomerId, null,
                Instant(period?.Start), Instant(period?.End), null),
            Meta(details?.Metadata, "userId"), Meta(details?.Metadata, "agentId"));
    }

    private static string? Meta(Dictionary<string, string>? metadata, string key) =>
        metadata is not null && metadata.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary>Stripe.net reads an absent timestamp as <c>default(DateTime)</c>: that is "not carried", not year 1.</summary>
    private static DateTimeOffset? Instant(DateTime? value) =>
        value is { } time && time != default ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)) : null;
}
