using System.ComponentModel.DataAnnotations;

namespace Tollgate.Grains.Billing;

/// <summary>Quota settings (section <c>Quota</c>), read by the silos.</summary>
public sealed class QuotaOptions
{
    public const string Section = "Quota";

    /// <summary>How long an idempotency key replays its first answer; at least 24 h (api.md).</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(48);
}
