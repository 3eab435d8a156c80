using System.Diagnostics.Metrics;
using Tollgate.Grains.Billing;

namespace Tollgate.ApiHost.Telemetry;

/// <summary>
/// Consumption as the API answered it: the units acknowledged (a replay adds none, its units were counted the first
/// time), and the consume requests the subscription answered, by outcome.
/// </summary>
internal static class QuotaMetrics
{
    private static readonly Counter<long> Units = ApiMeter.Instance.CreateCounter<long>(
        "tollgate.quota.consumed", "{unit}", "Quota units consumed and acknowledged with 200 (replays excluded).");

    private static readonly Counter<long> Requests = ApiMeter.Instance.CreateCounter<long>(
        "tollgate.quota.consume.requests", "{request}",
        "Consume requests answered by the subscription: ok, replayed (200), payment_required (402), quota_exceeded (429), idempotency_key_reused (422).");

    private static readonly KeyValuePair<string, object?> Ok = Outcome("ok");
    private static readonly KeyValuePair<string, object?> Replayed = Outcome("replayed");
    private static readonly KeyValuePair<string, object?> PaymentRequired = Outcome("payment_required");
    private static readonly KeyValuePair<string, object?> QuotaExceeded = Outcome("quota_exceeded");
    private static readonly KeyValuePair<string, object?> KeyReused = Outcome("idempotency_key_reused");

    public static void Record(ConsumeOutcome outcome)
    {
        if (outcome is { Result: ConsumeResult.Consumed, Replayed: false })
        {
            Units.Add(outcome.Units);
        }

        Requests.Add(1, outcome.Result switch
        {
            ConsumeResult.Consumed => outcome.Replayed ? Replayed : Ok,
            ConsumeResult.PaymentRequired => PaymentRequired,
            ConsumeResult.QuotaExceeded => QuotaExceeded,
            _ => KeyReused,
        });
    }

    private static KeyValuePair<string, object?> Outcome(string outcome) => new("outcome", outcome);
}
