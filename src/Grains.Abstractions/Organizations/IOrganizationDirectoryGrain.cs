
namespace Tollgate.Grains.Organizations;

/// <summary>Queries over organizations and members (key <c>organizations</c>).</summary>
[Alias("tollgate.IOrganizationDirectoryGrain")]
public interface IOrganizationDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The organizations <paramref name="userId"/> is a member of, oldest first.</summary>
    Task<OrganizationInfo[]> ListForUserAsync(string userId);

    /// <summary>The members of an organization with their names and emails, oldest first.</summary>
    Task<MemberDetails[]> MembersAsync(string organizationId);
}
