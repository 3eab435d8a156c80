namespace Tollgate.Grains.ApiKeys;

/// <summary>A key to create; the grain generates the secret.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.NewApiKey")]
public sealed record NewApiKey(
    string Name,
    string CreatorUserId,
    string? OrganizationId,
    Dictionary<string, string[]>? Permissions,
    long? ExpiresInSeconds,
    int? RateLimitMax,
    long? RateLimitWindowMs);
