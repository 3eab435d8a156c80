namespace Tollgate.Grains.Billing;

/// <summary>
/// What processing a stored Stripe event did; <c>Error</c> is set when it failed (and was recorded); <c>Rejected</c>
/// when the event could not be stored at all (text PostgreSQL's jsonb cannot hold), so nothing was. <c>Refetch</c>:
/// the event could not be ordered with certainty against what the subscription applied (the same second, or a
/// status that would move backwards); the caller fetches the subscription from Stripe and applies that with
/// <see cref="IStripeEventGrain.ApplyCurrentAsync"/>. The event stays unprocessed until then.
/// </summary>
[GenerateSerializer, Immutable, Alias("tollgate.StripeEventOutcome")]
public sealed record StripeEventOutcome(bool Found, bool Processed, bool Duplicate, string? Error, string? Rejected = null, StripeRefetch? Refetch = null);

/// <summary>The Stripe subscription to fetch, and the subscription grain's state version the fetched object must be applied to.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.StripeRefetch")]
public sealed record StripeRefetch(string StripeSubscriptionId, string? Etag);
