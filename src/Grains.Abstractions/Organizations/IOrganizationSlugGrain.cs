
namespace Tollgate.Grains.Organizations;

/// <summary>The slug index, keyed by slug: one organization per slug; organizations are created here.</summary>
[Alias("tollgate.IOrganizationSlugGrain")]
public interface IOrganizationSlugGrain : IGrainWithStringKey
{
    Task<OrganizationResult<OrganizationInfo>> CreateOrganizationAsync(string name, string creatorUserId);
}
