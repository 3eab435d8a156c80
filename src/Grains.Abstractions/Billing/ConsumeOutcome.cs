namespace Tollgate.Grains.Billing;

/// <summary>One consumption's answer: counted and durable (<c>Consumed</c>), or why not, with the quota as it stands.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.ConsumeOutcome")]
public sealed record ConsumeOutcome(ConsumeResult Result, long Units, long Used, long Limit, DateTimeOffset? PeriodEnd, string Status, bool Replayed);
