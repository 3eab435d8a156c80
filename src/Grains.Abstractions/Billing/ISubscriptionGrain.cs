
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

    /// <summary>
    /// Applies a Stripe event (and marks it processed in the same transaction) unless it is older than the last one
    /// applied. One that cannot be ordered with certainty (the same second as the last applied, or a status that would
    /// move backwards) is answered <see cref="StripeApplyOutcome.Refetch"/> when <paramref name="canRefetch"/>, else
    /// applied only if it does not move backwards.
    /// </summary>
    Task<StripeApplyResult> ApplyStripeAsync(StripeSubscriptionUpdate update, bool canRefetch);

    /// <summary>
    /// Applies the subscription as Stripe returned it just now (no ordering check) if this grain's state is still
    /// the version <paramref name="etag"/> the refetch was asked at; otherwise answers another refetch.
    /// </summary>
    Task<StripeApplyResult> ApplyCurrentStripeAsync(StripeSubscriptionUpdate current, string? etag);

    /// <summary>Adds <paramref name="delta"/> (may be negative) to this period's usage, floored at 0; audited.</summary>
    Task<SubscriptionInfo> AdjustAsync(long delta, string reason, string actorUserId);
}
