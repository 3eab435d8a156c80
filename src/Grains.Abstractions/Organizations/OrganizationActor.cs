namespace Tollgate.Grains.Organizations;

/// <summary>
/// Who changes membership: a user (for an API key, its creator), acting with its membership as the organization
/// holds it at that turn. A key brings no role of its own; its permissions were checked by the caller.
/// </summary>
[GenerateSerializer, Immutable, Alias("tollgate.OrganizationActor")]
public sealed record OrganizationActor(string UserId);
