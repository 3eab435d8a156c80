namespace Tollgate.Grains.Billing;

/// <summary>What became of one consumption.</summary>
[GenerateSerializer, Alias("tollgate.ConsumeResult")]
public enum ConsumeResult
{
    Consumed,
    PaymentRequired,
    QuotaExceeded,
    IdempotencyKeyReused,
}
