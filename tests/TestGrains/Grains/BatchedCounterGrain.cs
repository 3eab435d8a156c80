namespace Tollgate.Runtime.Tests.Grains;

public sealed class BatchedCounterGrain(IPersistentState<BatchedCounterState> state) : Grain, IBatchedCounterGrain
{
    public async Task<long> AddAsync(long delta, string? note)
    {
        var before = state.State;
        state.State = new BatchedCounterState(before.Value + delta);
        try
        {
            await state.WriteAsync(note is null ? [] : [new CompanionStatement("INSERT INTO test_notes (counter_id, note) VALUES ($1, $2)", GrainKey, note)]);
        }
        catch
        {
            state.State = before;
            throw;
        }

        return state.State.Value;
    }

    public Task<long> GetAsync() => Task.FromResult(state.State.Value);
}
