namespace Tollgate.Runtime.Tests.Grains;

public sealed class CounterGrain(IPersistentState<CounterState> state, ActivationLog log) : Grain, ICounterGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        log.Activated(GrainKey);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        log.Deactivated(GrainKey, reason);
        return Task.CompletedTask;
    }

    public async Task<long> AddAsync(long delta)
    {
        state.State = state.State with { Value = state.State.Value + delta };
        await state.WriteAsync();
        return state.State.Value;
    }

    public Task<long> GetAsync() => Task.FromResult(state.State.Value);

    public async Task<long> AddWithNoteAsync(long delta, string note)
    {
        var before = state.State;
        state.State = before with { Value = before.Value + delta };
        try
        {
            await state.WriteAsync([new CompanionStatement("INSERT INTO test_notes (counter_id, note) VALUES ($1, $2)", GrainKey, note)]);
        }
        catch
        {
            state.State = before;
            throw;
        }

        return state.State.Value;
    }

    public async Task SetLabelAsync(string? label)
    {
        state.State = state.State with { Label = label };
        await state.WriteAsync();
    }

    public Task<string?> GetLabelAsync() => Task.FromResult(state.State.Label);

    public Task ClearAsync() => state.ClearAsync();

    public ValueTask<long> VersionAsync() => ValueTask.FromResult(state.Version);
}
