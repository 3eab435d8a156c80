namespace Tollgate.Grains.Billing;

/// <summary>
/// What processing a stored Stripe event did; <c>Error</c> is set when it failed (and was recorded); <c>Rejected</c>
/// when the event could not be stored at all (text PostgreSQL's jsonb cannot hold), so nothing was.
/// </summary>
[GenerateSerializer, Immutable, Alias("tollgate.StripeEventOutcome")]
public sealed record StripeEventOutcome(bool Found, bool Processed, bool Duplicate, string? Error, string? Rejected = null);
