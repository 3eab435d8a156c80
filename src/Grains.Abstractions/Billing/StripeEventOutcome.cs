namespace Tollgate.Grains.Billing;

/// <summary>What processing a stored Stripe event did; <c>Error</c> is set when it failed (and was recorded).</summary>
public sealed record StripeEventOutcome(bool Found, bool Processed, bool Duplicate, string? Error);
