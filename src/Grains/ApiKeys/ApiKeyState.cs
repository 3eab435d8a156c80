using System.Text.Json;
using Tollgate.Storage;

namespace Tollgate.Grains.ApiKeys;

/// <summary>An API key's stored state: the row of <c>api_keys</c>. Permissions are JSON text (<c>{resource:[action]}</c>).</summary>
public sealed record ApiKeyState(
    string Name,
    string Start,
    string UserId,
    string? OrganizationId,
    string? OrganizationRole,
    byte[] KeyHash,
    string? Permissions,
    DateTimeOffset? ExpiresAt,
    int? RateLimitMax,
    long? RateLimitWindowMs,
    DateTimeOffset CreatedAt)
{
    public static readonly StateTable<ApiKeyState> Table =
        new StateTable<ApiKeyState>("api_keys", () => new ApiKeyState("", "", "", null, null, [], null, null, null, null, default),
                row => new ApiKeyState(
                    row.Get<string>("name"), row.Get<string>("start"), row.Get<string>("user_id"), row.Get<string?>("organization_id"),
                    row.Get<string?>("organization_role"), row.Get<byte[]>("key_hash"), row.Get<string?>("permissions"),
                    row.Get<DateTimeOffset?>("expires_at"), row.Get<int?>("rate_limit_max"), row.Get<long?>("rate_limit_window_ms"),
                    row.Get<DateTimeOffset>("created_at")))
            .Column("name", s => s.Name)
            .Column("start", s => s.Start)
            .Column("user_id", s => s.UserId)
            .Column("organization_id", s => s.OrganizationId)
            .Column("organization_role", s => s.OrganizationRole)
            .Column("key_hash", s => s.KeyHash)
            .Column("permissions", s => s.Permissions)
            .Column("expires_at", s => s.ExpiresAt)
            .Column("rate_limit_max", s => s.RateLimitMax)
            .Column("rate_limit_window_ms", s => s.RateLimitWindowMs)
            .Column("created_at", s => s.CreatedAt);

    public ApiKeyInfo ToInfo(string id) => new(
        id, Name, Start, ApiKeyTokens.Prefix, UserId, OrganizationId, OrganizationRole,
        Permissions is null ? null : JsonSerializer.Deserialize<Dictionary<string, string[]>>(Permissions),
        ExpiresAt, RateLimitMax, RateLimitWindowMs, CreatedAt);
}
