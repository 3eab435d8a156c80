
namespace Tollgate.Grains.Organizations;

/// <summary>
/// An organization, keyed by id: its name and slug, and the one place membership changes happen, so the rules
/// that span members (the last owner stays, only owners grant ownership) hold under concurrency.
/// </summary>
[Alias("tollgate.IOrganizationGrain")]
public interface IOrganizationGrain : IGrainWithStringKey
{
    /// <summary>Creates the organization with <paramref name="creatorUserId"/> as owner; false when it exists.</summary>
    Task<bool> CreateAsync(string name, string slug, string creatorUserId);

    Task<OrganizationInfo?> GetAsync();

    /// <summary>Adds a user; the actor needs <c>member:create</c>, and only an owner adds an owner.</summary>
    Task<OrganizationResult<MemberInfo>> AddMemberAsync(OrganizationActor actor, string userId, string[] roles);

    /// <summary>Changes a member's roles; <c>member:update</c>; only an owner grants or takes ownership; one owner always remains.</summary>
    Task<OrganizationResult<MemberInfo>> UpdateMemberRoleAsync(OrganizationActor actor, string userId, string[] roles);

    /// <summary>Removes a member (<c>member:delete</c>, or a member leaving); the last owner cannot be removed.</summary>
    Task<OrganizationResult<MemberInfo>> RemoveMemberAsync(OrganizationActor actor, string userId);

    /// <summary>
    /// Deletes the organization (<c>organization:delete</c>: owners): every member is removed, through its member grain
    /// so no activation keeps the role, the actor last, then the organization itself; its slug is free again.
    /// </summary>
    Task<OrganizationResult<OrganizationInfo>> DeleteAsync(OrganizationActor actor);
}
