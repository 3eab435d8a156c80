using System.Globalization;

namespace Tollgate.Grains.Billing;

/// <summary>
/// Which Stripe API versions' events Tollgate reads. Stripe.net 53.1.0 is pinned to <c>2026-10-28.endive</c> and by
/// itself refuses events of any other release train; but the fields Tollgate reads (status, items' periods and price,
/// metadata, <c>parent.subscription_details</c>) have kept their shape since <c>2025-03-31.basil</c>, so events of
/// basil and later are read. Older ones put the period on the subscription and an invoice's subscription at the
/// top level: Stripe.net's types would read them as "no period", silently, so they are refused with a reason.
/// </summary>
public static class StripeApiVersions
{
    public const string Pinned = "2026-10-28.endive";

    public static readonly DateOnly OldestReadable = new(2025, 3, 31);

    /// <summary>Null when events of <paramref name="apiVersion"/> are read; otherwise why not, in an operator's words.</summary>
    public static string? Refusal(string? apiVersion)
    {
        if (string.IsNullOrEmpty(apiVersion))
        {
            return $"The event has no api_version. Stripe sends one with every event; set the webhook endpoint's API version to {Pinned}.";
        }

        return apiVersion.Length >= 10 && DateOnly.TryParseExact(apiVersion.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && date >= OldestReadable
            ? null
            : $"The event is of Stripe API version {apiVersion}; Tollgate reads {OldestReadable:yyyy-MM-dd}.basil and later. " +
              $"Set the webhook endpoint's API version to {Pinned} (Stripe.net's).";
    }
}
