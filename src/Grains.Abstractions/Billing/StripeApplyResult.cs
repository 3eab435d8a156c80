namespace Tollgate.Grains.Billing;

/// <summary>What a subscription did with a Stripe update.</summary>
[GenerateSerializer, Alias("tollgate.StripeApplyOutcome")]
public enum StripeApplyOutcome
{
    /// <summary>Applied, and the event marked processed.</summary>
    Applied,

    /// <summary>Older than what the subscription applied (or, without a refetch, a move backwards): ignored.</summary>
    Ignored,

    /// <summary>Cannot be ordered with certainty: fetch the subscription from Stripe and apply that.</summary>
    Refetch,
}

/// <summary>A subscription's answer to a Stripe update; <c>Etag</c> is its state version when it asked for a refetch.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.StripeApplyResult")]
public sealed record StripeApplyResult(StripeApplyOutcome Outcome, string? Etag = null);
