using Tollgate.Grains.Access;

namespace Tollgate.Grains.ApiKeys;

/// <summary>
/// An API key without its secret. A key acts as <c>UserId</c>; an organization key (<c>OrganizationId</c> set)
/// acts inside that organization with <c>OrganizationRole</c>, the creator's role when it was made, and outlives
/// the creator's membership. <c>Permissions</c> (null: no further limit) narrows whatever the key acts with.
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
