using System.Text.Json;

namespace Tollgate.ApiHost.ApiKeys;

public sealed record CreateApiKeyRequest(string? Name, string? OrganizationId, long? ExpiresIn, JsonElement? Permissions, RateLimitRequest? RateLimit);

public sealed record RateLimitRequest(int? MaxRequests, long? TimeWindowMs);

public sealed record DeleteApiKeyRequest(string? KeyId);

public sealed record VerifyApiKeyRequest(string? Key, JsonElement? Permissions);
