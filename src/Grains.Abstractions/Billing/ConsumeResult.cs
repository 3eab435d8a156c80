namespace Tollgate.Grains.Billing;

/// <summary>What became of one consumption.</summary>
public enum ConsumeResult
{
    Consumed,
    PaymentRequired,
    QuotaExceeded,
    IdempotencyKeyReused,
}
