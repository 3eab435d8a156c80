using Tollgate.Grains.Access;

namespace Tollgate.Grains.ApiKeys;

/// <summary>
/// An API key without its secret. A key acts as <c>UserId</c>, its creator, with the creator's roles as they are
/// at each request; an organization key (<c>OrganizationId</c> set) acts only inside that organization, with the
/// creator's membership there now (none once removed). <c>OrganizationRole</c> records the creator's role when the
/// key was made, for the audit trail only. <c>Permissions</c> (null: no further limit) narrows whatever the key acts with.
/// </summary>
[GenerateSerializer, Immutable, Alias("tollgate.ApiKeyInfo")]
public sealed record ApiKeyInfo(
    string Id,
    string Name,
    string Start,
    string Prefix,
    string UserId,
    string? OrganizationId,
    string? OrganizationRole,
    Dictionary<string, string[]>? Permissions,
    DateTimeOffset? ExpiresAt,
    int? RateLimitMax,
    long? RateLimitWindowMs,
    DateTimeOffset CreatedAt)
{
    /// <summary>Whether the key's own permission list allows <paramref name="permission"/>.</summary>
    public bool Permits(Permission permission) =>
        Permissions is null || (Permissions.TryGetValue(permission.Resource, out var actions) && actions.Contains(permission.Action));
}
