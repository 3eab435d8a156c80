namespace Tollgate.Grains.Billing;

/// <summary>
/// What one Stripe event says about a subscription. Null members are not carried by the event. A linking update
/// (<c>checkout.session.completed</c>) only records ids and is applied whatever its age; the others are applied only
/// if not older than the last event the subscription applied.
/// </summary>
[GenerateSerializer, Immutable, Alias("tollgate.StripeSubscriptionUpdate")]
public sealed record StripeSubscriptionUpdate(
    string EventId,
    string EventType,
    DateTimeOffset EventCreated,
    bool LinkOnly,
    string? Status,
    string? StripeSubscriptionId,
    string? StripeCustomerId,
    string? PriceId,
    DateTimeOffset? PeriodStart,
    DateTimeOffset? PeriodEnd,
    bool? CancelAtPeriodEnd);
