
namespace Tollgate.Grains.Organizations;

/// <summary>
/// One membership, keyed <c>organizationId/userId</c>: the role every permission check reads. Only its
/// organization grain changes it.
/// </summary>
[Alias("tollgate.IMemberGrain")]
public interface IMemberGrain : IGrainWithStringKey
{
    /// <summary>The membership, or null when the user is not a member.</summary>
    Task<MemberInfo?> GetAsync();

    Task<MemberInfo> SetAsync(string role);

    Task RemoveAsync();
}
