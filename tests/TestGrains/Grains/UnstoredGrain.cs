namespace Tollgate.Runtime.Tests.Grains;

public sealed class UnstoredGrain(IPersistentState<UnregisteredState> state) : Grain, IUnstoredGrain
{
    public Task<int> CallAsync() => Task.FromResult(state.State.Value);
}
