using Tollgate.Grains.Access;

namespace Tollgate.ApiHost.Organizations;

/// <summary>
/// A caller's standing in an organization: which one (null when none could be found), the roles it acts with
/// (null when not a member) and the asked permissions it lacks.
/// </summary>
public sealed record OrganizationDecision(string? OrganizationId, string[]? Roles, IReadOnlyList<Permission> Missing)
{
    public bool NoOrganization => OrganizationId is null;

    public bool IsMember => Roles is not null;

    public bool Allowed => IsMember && Missing.Count == 0;
}
