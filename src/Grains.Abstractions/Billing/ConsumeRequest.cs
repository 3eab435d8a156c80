namespace Tollgate.Grains.Billing;

/// <summary>
/// One consumption. <c>Fingerprint</c> identifies the request's content, so a reused idempotency key with other
/// content is told apart from a retry.
/// </summary>
[GenerateSerializer, Immutable, Alias("tollgate.ConsumeRequest")]
public sealed record ConsumeRequest(long Units, string? IdempotencyKey, string Fingerprint);
