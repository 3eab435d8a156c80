using System.Globalization;
using Stripe;

namespace Tollgate.ApiHost.Stripe;

/// <summary>The outcome of checking a <c>Stripe-Signature</c> header; the name is the problem's <c>details.reason</c>.</summary>
public enum StripeSignatureResult
{
    /// <summary>A <c>v1</c> signature matches one of the secrets and the timestamp is within the tolerance.</summary>
    Valid,

    /// <summary>No header, or an empty one.</summary>
    Missing,

    /// <summary>The header is not <c>key=value</c> items with one numeric <c>t=</c> timestamp.</summary>
    Malformed,

    /// <summary>The header has a timestamp but no <c>v1</c> signature (<c>v0</c> and other schemes are ignored).</summary>
    NoSignature,

    /// <summary>No <c>v1</c> signature matches any configured secret (or no secret is configured).</summary>
    Mismatch,

    /// <summary>A signature matches but the timestamp is more than the tolerance away from now (either side).</summary>
    Stale,
}

/// <summary>
/// Verifies Stripe webhooks with Stripe.net (<see cref="EventUtility.ValidateSignature(string, string, string, long, long)"/>:
/// HMAC-SHA256 over <c>"{t}.{body}"</c>, any <c>v1</c> may match, constant-time comparison) against every configured
/// secret, since Stripe.net takes one secret at a time and rotation needs several. The header is looked at here only
/// to name the reason of a refusal.
/// </summary>
public static class StripeWebhookVerifier
{
    public const int DefaultToleranceSeconds = EventUtility.DefaultTimeTolerance;

    public static StripeSignatureResult Verify(string? header, string body, IReadOnlyList<string> secrets, DateTimeOffset now, int toleranceSeconds = DefaultToleranceSeconds)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (string.IsNullOrWhiteSpace(header))
        {
            return StripeSignatureResult.Missing;
        }

        var (refusal, signedAt) = Shape(header);
        if (refusal is not null)
        {
            return refusal.Value;
        }

        var matched = false;
        foreach (var secret in secrets.Where(s => !string.IsNullOrWhiteSpace(s)))
        {
            if (Validates(body, header, secret, toleranceSeconds, now.ToUnixTimeSeconds()))
            {
                return StripeSignatureResult.Valid;
            }

            // Stripe.net checks the signature before the time: at the signed instant itself, a matching signature passes.
            matched |= Validates(body, header, secret, toleranceSeconds, signedAt);
        }

        return matched ? StripeSignatureResult.Stale : StripeSignatureResult.Mismatch;
    }

    private static bool Validates(string body, string header, string secret, long tolerance, long utcNow)
    {
        try
        {
            EventUtility.ValidateSignature(body, header, secret, tolerance, utcNow);
            return true;
        }
        catch (StripeException)
        {
            return false;
        }
    }

    /// <summary>
    /// The header's timestamp, or Malformed / NoSignature when the header is not what Stripe sends (before any HMAC is
    /// computed).
    /// </summary>
    private static (StripeSignatureResult? Refusal, long SignedAt) Shape(string header)
    {
        long? timestamp = null;
        var signatures = 0;
        foreach (var item in header.Split(','))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return (StripeSignatureResult.Malformed, 0);
            }

            var key = item[..equals].Trim();
            var value = item[(equals + 1)..].Trim();
            if (key == "t")
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || timestamp is { } earlier && earlier != parsed)
                {
                    return (StripeSignatureResult.Malformed, 0);
                }

                timestamp = parsed;
            }
            else if (key == "v1")
            {
                signatures++;
            }
        }

        return timestamp is not { } t ? (StripeSignatureResult.Malformed, 0)
            : signatures == 0 ? (StripeSignatureResult.NoSignature, t)
            : (null, t);
    }
}
