using Tollgate.Storage;

namespace Tollgate.Grains.Organizations;

public sealed class MemberGrain([PersistentState("member")] IPersistentState<MemberState> state, TimeProvider clock) : Grain, IMemberGrain
{
    private string OrganizationId => this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().IndexOf('/')];

    private string UserId => this.GetPrimaryKeyString()[(this.GetPrimaryKeyString().IndexOf('/') + 1)..];

    public Task<MemberInfo?> GetAsync() => Task.FromResult(state.RecordExists ? Info() : null);

    public async Task<MemberInfo> SetAsync(string role)
    {
        state.State = new MemberState(role, state.RecordExists ? state.State.CreatedAt : clock.GetUtcNow());
        await state.WriteStateAsync();
        return Info();
    }

    public Task RemoveAsync() => state.RecordExists ? state.ClearStateAsync() : Task.CompletedTask;

    private MemberInfo Info() => new(OrganizationId, UserId, state.State.Role, state.State.CreatedAt);
}
