namespace Tollgate.Grains.Billing;

/// <summary>A stored Stripe event as operators see it.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.StripeEventInfo")]
public sealed record StripeEventInfo(
    string Id, string Type, DateTimeOffset Created, DateTimeOffset ReceivedAt, DateTimeOffset? ProcessedAt, int Attempts, string? LastError);
