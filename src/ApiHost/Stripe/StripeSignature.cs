using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tollgate.ApiHost.Stripe;

/// <summary>The outcome of checking a <c>Stripe-Signature</c> header, in the order the checks are made.</summary>
public enum StripeSignatureResult
{
    /// <summary>A <c>v1</c> signature matches one of the secrets and the timestamp is within the tolerance.</summary>
    Valid,

    /// <summary>No header, or an empty one.</summary>
    Missing,

    /// <summary>The header has no parsable <c>t=</c> timestamp (or two different ones).</summary>
    Malformed,

    /// <summary>The header has a timestamp but no <c>v1</c> signature (<c>v0</c> and other schemes are ignored).</summary>
    NoSignature,

    /// <summary>No <c>v1</c> signature matches any configured secret.</summary>
    Mismatch,

    /// <summary>A signature matches but the timestamp is more than the tolerance away from now (either side).</summary>
    Stale,
}

/// <summary>
/// Stripe webhook signatures (<c>Stripe-Signature: t=&lt;unix s&gt;,v1=&lt;hex&gt;[,v1=…][,v0=…]</c>):
/// lower-case hex HMAC-SHA256, keyed with the UTF-8 bytes of the whole <c>whsec_…</c> secret, over
/// <c>"{t}."</c> followed by the exact raw request body bytes.
/// </summary>
public static class StripeSignature
{
    /// <summary>Stripe's default tolerance between the signed timestamp and now, in seconds.</summary>
    public const int DefaultToleranceSeconds = 300;

    private const int SignatureBytes = 32;

    /// <summary>
    /// Verifies <paramref name="header"/> against <paramref name="rawBody"/>: valid when any <c>v1</c> signature matches
    /// any of <paramref name="secrets"/> (rotation) and <c>|now - t| &lt;= toleranceSeconds</c>. The signature is
    /// checked before the time, so a forged header is reported as <see cref="StripeSignatureResult.Mismatch"/>.
    /// Empty secrets are skipped (an empty HMAC key would be forgeable).
    /// </summary>
    public static StripeSignatureResult Verify(string? header, ReadOnlySpan<byte> rawBody, IReadOnlyList<string> secrets,
        DateTimeOffset now, int toleranceSeconds = DefaultToleranceSeconds)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentOutOfRangeException.ThrowIfNegative(toleranceSeconds);
        if (string.IsNullOrEmpty(header))
        {
            return StripeSignatureResult.Missing;
        }

        long? timestamp = null;
        var signatures = new List<string>();
        foreach (var item in header.Split(','))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                continue;
            }

            var key = item.AsSpan(0, equals).Trim();
            var value = item.AsSpan(equals + 1).Trim();
            if (key.SequenceEqual("t"))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                    || (timestamp is { } earlier && earlier != parsed))
                {
                    return StripeSignatureResult.Malformed;
                }

                timestamp = parsed;
            }
            else if (key.SequenceEqual("v1"))
            {
                signatures.Add(value.ToString());
            }
        }

        if (timestamp is not { } t)
        {
            return StripeSignatureResult.Malformed;
        }

        if (signatures.Count == 0)
        {
            return StripeSignatureResult.NoSignature;
        }

        Span<byte> expected = stackalloc byte[SignatureBytes];
        Span<byte> candidate = stackalloc byte[SignatureBytes];
        var matched = false;
        foreach (var secret in secrets)
        {
            if (string.IsNullOrEmpty(secret))
            {
                continue;
            }

            ComputeSignature(secret, t, rawBody, expected);
            foreach (var signature in signatures)
            {
                // Every pair is compared (no early exit); a value that is not 64 hex digits simply does not match.
                matched |= TryDecodeSignature(signature, candidate) && CryptographicOperations.FixedTimeEquals(expected, candidate);
            }
        }

        if (!matched)
        {
            return StripeSignatureResult.Mismatch;
        }

        var nowSeconds = now.ToUnixTimeSeconds();
        return t < nowSeconds - toleranceSeconds || t > nowSeconds + toleranceSeconds
            ? StripeSignatureResult.Stale
            : StripeSignatureResult.Valid;
    }

    /// <summary>The header Stripe would send for <paramref name="body"/>: <c>t={timestamp},v1={lower-case hex}</c>.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentOutOfRangeException.ThrowIfNegative(timestamp);
        Span<byte> signature = stackalloc byte[SignatureBytes];
        ComputeSignature(secret, timestamp, body, signature);
        return string.Create(CultureInfo.InvariantCulture, $"t={timestamp},v1={Convert.ToHexStringLower(signature)}");
    }

    private static void ComputeSignature(string secret, long timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        Span<byte> prefix = stackalloc byte[24];
        timestamp.TryFormat(prefix, out var digits, default, CultureInfo.InvariantCulture);
        prefix[digits] = (byte)'.';
        hmac.AppendData(prefix[..(digits + 1)]);
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }

    private static bool TryDecodeSignature(string hex, Span<byte> destination) =>
        hex.Length == SignatureBytes * 2
        && Convert.FromHexString(hex, destination, out var consumed, out var written) == System.Buffers.OperationStatus.Done
        && consumed == hex.Length
        && written == SignatureBytes;
}
