using Tollgate.Storage;

namespace Tollgate.Grains.Billing;

/// <summary>A subscription's stored state: the row of <c>user_agent_subscriptions</c>, keyed by user and agent.</summary>
public sealed record SubscriptionState(
    string Status,
    string? StripeSubscriptionId,
    string? StripeCustomerId,
    string? PriceId,
    DateTimeOffset? CurrentPeriodStart,
    DateTimeOffset? CurrentPeriodEnd,
    bool CancelAtPeriodEnd,
    long QuotaLimit,
    long QuotaUsed,
    DateTimeOffset? LastEventAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static readonly StateTable<SubscriptionState> Table =
        new StateTable<SubscriptionState>("user_agent_subscriptions",
                () => new SubscriptionState(SubscriptionStatus.None, null, null, null, null, null, false, 0, 0, null, default, default),
                row => new SubscriptionState(
                    row.Get<string>("status"), row.Get<string?>("stripe_subscription_id"), row.Get<string?>("stripe_customer_id"),
                    row.Get<string?>("price_id"), row.Get<DateTimeOffset?>("current_period_start"), row.Get<DateTimeOffset?>("current_period_end"),
                    row.Get<bool>("cancel_at_period_end"), row.Get<long>("quota_limit"), row.Get<long>("quota_used"),
                    row.Get<DateTimeOffset?>("last_event_at"), row.Get<DateTimeOffset>("created_at"), row.Get<DateTimeOffset>("updated_at")))
            .WithKey("user_id", "agent_id")
            .WithGroupCommit() // many subscriptions consume at once: they share commits
            .Column("status", s => s.Status)
            .Column("stripe_subscription_id", s => s.StripeSubscriptionId)
            .Column("stripe_customer_id", s => s.StripeCustomerId)
            .Column("price_id", s => s.PriceId)
            .Column("current_period_start", s => s.CurrentPeriodStart)
            .Column("current_period_end", s => s.CurrentPeriodEnd)
            .Column("cancel_at_period_end", s => s.CancelAtPeriodEnd)
            .Column("quota_limit", s => s.QuotaLimit)
            .Column("quota_used", s => s.QuotaUsed)
            .Column("last_event_at", s => s.LastEventAt)
            .Column("created_at", s => s.CreatedAt)
            .Column("updated_at", s => s.UpdatedAt);

    public SubscriptionInfo ToInfo(string userId, string agentId) => new(
        userId, agentId, Status, StripeSubscriptionId, PriceId, CurrentPeriodStart, CurrentPeriodEnd, CancelAtPeriodEnd, QuotaLimit, QuotaUsed);
}
