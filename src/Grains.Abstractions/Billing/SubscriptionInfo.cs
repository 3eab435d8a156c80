namespace Tollgate.Grains.Billing;

/// <summary>One user's subscription to one agent, with its quota for the current period.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.SubscriptionInfo")]
public sealed record SubscriptionInfo(
    string UserId,
    string AgentId,
    string Status,
    string? StripeSubscriptionId,
    string? PriceId,
    DateTimeOffset? CurrentPeriodStart,
    DateTimeOffset? CurrentPeriodEnd,
    bool CancelAtPeriodEnd,
    long Limit,
    long Used)
{
    public long Remaining => Math.Max(0, Limit - Used);
}
