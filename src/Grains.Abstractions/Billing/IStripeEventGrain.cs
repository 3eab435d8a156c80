namespace Tollgate.Grains.Billing;

/// <summary>
/// One Stripe event, keyed by its id: stored first (<c>stripe_events</c>, one row per id), then applied, one
/// processing at a time, so duplicate deliveries change nothing.
/// </summary>
[Alias("tollgate.IStripeEventGrain")]
public interface IStripeEventGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores the verified event if new, then processes it unless already processed. <paramref name="canRefetch"/>:
    /// the caller can fetch subscriptions from Stripe, so an event that cannot be ordered with certainty is answered
    /// with <see cref="StripeEventOutcome.Refetch"/>; otherwise it is applied by the monotonic rule (never backwards).
    /// </summary>
    Task<StripeEventOutcome> ReceiveAsync(string type, DateTimeOffset created, string payload, bool canRefetch);

    /// <summary>Processes the stored event again if it is not processed yet (admin replay).</summary>
    Task<StripeEventOutcome> ProcessAsync(bool canRefetch);

    /// <summary>
    /// Applies <paramref name="current"/>, the subscription as Stripe returned it just now, in place of this event's
    /// own object (as of this event's <c>created</c>), if the subscription grain is still at <paramref name="etag"/>;
    /// otherwise answers another refetch.
    /// </summary>
    Task<StripeEventOutcome> ApplyCurrentAsync(StripeSubscriptionUpdate current, string? userId, string? agentId, string? etag);

    /// <summary>Records why the event could not be applied (<c>last_error</c>); it stays unprocessed, for Stripe's retry or a replay.</summary>
    Task<StripeEventOutcome> RecordFailureAsync(string error);
}
