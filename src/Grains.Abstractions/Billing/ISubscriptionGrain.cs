
namespace Tollgate.Grains.Billing;

/// <summary>
/// One user's subscription to one agent, keyed <c>userId/agentId</c>: status, period, plan, limit and usage, in
/// <c>user_agent_subscriptions</c>. Consumptions arrive in batches and are made durable with one write per batch.
/// </summary>
[Alias("tollgate.ISubscriptionGrain")]
public interface ISubscriptionGrain : IGrainWithStringKey
{
    Task<SubscriptionInfo> GetAsync();

    /// <summary>Applies a batch in order; answers once the consumed units (and their idempotency records) are committed.</summary>
    Task<ConsumeOutcome[]> ConsumeAsync(ConsumeRequest[] batch);

    /// <summary>Applies a Stripe event (and marks it processed in the same transaction); false when it was older than the last applied.</summary>
    Task<bool> ApplyStripeAsync(StripeSubscriptionUpdate update);

    /// <summary>Adds <paramref name="delta"/> (may be negative) to this period's usage, floored at 0; audited.</summary>
    Task<SubscriptionInfo> AdjustAsync(long delta, string reason, string actorUserId);
}
