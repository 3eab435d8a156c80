using Tollgate.Runtime;

namespace Tollgate.Grains.Organizations;

public sealed class MemberGrain(IPersistentState<MemberState> state, TimeProvider clock) : Grain, IMemberGrain
{
    private string OrganizationId => GrainKey[..GrainKey.IndexOf('/')];

    private string UserId => GrainKey[(GrainKey.IndexOf('/') + 1)..];

    public Task<MemberInfo?> GetAsync() => Task.FromResult(state.RecordExists ? Info() : null);

    public async Task<MemberInfo> SetAsync(string role)
    {
        state.State = new MemberState(role, state.RecordExists ? state.State.CreatedAt : clock.GetUtcNow());
        await state.WriteAsync();
        return Info();
    }

    public Task RemoveAsync() => state.RecordExists ? state.ClearAsync() : Task.CompletedTask;

    private MemberInfo Info() => new(OrganizationId, UserId, state.State.Role, state.State.CreatedAt);
}
