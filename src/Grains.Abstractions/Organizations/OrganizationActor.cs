namespace Tollgate.Grains.Organizations;

/// <summary>
/// Who changes membership: a user acting with its own membership (<c>Roles</c> null), or an organization API key
/// acting with the role it was given (<c>Roles</c>), which does not depend on its creator staying a member.
/// </summary>
[GenerateSerializer, Immutable, Alias("tollgate.OrganizationActor")]
public sealed record OrganizationActor(string UserId, string[]? Roles);
