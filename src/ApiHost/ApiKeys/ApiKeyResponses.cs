using Tollgate.Grains.ApiKeys;

namespace Tollgate.ApiHost.ApiKeys;

/// <summary>A key without its secret.</summary>
public sealed record ApiKeyResponse(
    string Id, string Name, string Start, string Prefix, string UserId, string? OrganizationId, Dictionary<string, string[]>? Permissions,
    DateTimeOffset? ExpiresAt, RateLimitResponse? RateLimit, DateTimeOffset CreatedAt)
{
    public static ApiKeyResponse From(ApiKeyInfo key) => new(
        key.Id, key.Name, key.Start, key.Prefix, key.UserId, key.OrganizationId, key.Permissions, key.ExpiresAt,
        key is { RateLimitMax: { } max, RateLimitWindowMs: { } window } ? new RateLimitResponse(max, window) : null, key.CreatedAt);
}

public sealed record RateLimitResponse(int MaxRequests, long TimeWindowMs);

/// <summary>A new key: <c>key</c> is shown this once; only its SHA-256 is stored.</summary>
public sealed record CreatedApiKeyResponse(
    string Id, string Key, string Start, string Prefix, string Name, string? OrganizationId, Dictionary<string, string[]>? Permissions,
    DateTimeOffset? ExpiresAt, RateLimitResponse? RateLimit, DateTimeOffset CreatedAt);

public sealed record ApiKeyListResponse(ApiKeyResponse[] ApiKeys, int Total, int Limit, int Offset);

public sealed record VerifyError(string Message, string Code);

public sealed record VerifyApiKeyResponse(bool Valid, VerifyError? Error, ApiKeyResponse? Key);
