using System.Text.Json;

namespace Tollgate.ApiHost.ApiKeys;

[Tollgate.ApiHost.Http.RequiredMembers("Name")]
public sealed record CreateApiKeyRequest(string? Name, string? OrganizationId, long? ExpiresIn, JsonElement? Permissions, RateLimitRequest? RateLimit);

[Tollgate.ApiHost.Http.RequiredMembers("MaxRequests", "TimeWindowMs")]
public sealed record RateLimitRequest(int? MaxRequests, long? TimeWindowMs);

[Tollgate.ApiHost.Http.RequiredMembers("KeyId")]
public sealed record DeleteApiKeyRequest(string? KeyId);

[Tollgate.ApiHost.Http.RequiredMembers("Key")]
public sealed record VerifyApiKeyRequest(string? Key, JsonElement? Permissions);
