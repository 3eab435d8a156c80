using Tollgate.Storage;

namespace Tollgate.Grains.Organizations;

public sealed class OrganizationSlugGrain([PersistentState("slug")] IPersistentState<SlugState> state) : Grain, IOrganizationSlugGrain
{
    public async Task<OrganizationResult<OrganizationInfo>> CreateOrganizationAsync(string name, string creatorUserId)
    {
        if (state.RecordExists && await GrainFactory.GetGrain<IOrganizationGrain>(state.State.OrganizationId).GetAsync() is not null)
        {
            return OrganizationResult<OrganizationInfo>.Fail(OrganizationError.SlugTaken);
        }

        // As for emails: the claim is judged by whether its organization exists, so a claim left by a crash
        // between these two writes is taken over by the next creation.
        var id = Guid.CreateVersion7().ToString("N");
        state.State = new SlugState(id);
        await state.WriteStateAsync();
        var organization = GrainFactory.GetGrain<IOrganizationGrain>(id);
        await organization.CreateAsync(name, this.GetPrimaryKeyString(), creatorUserId);
        return OrganizationResult<OrganizationInfo>.Ok((await organization.GetAsync())!);
    }
}
