using Tollgate.Storage;

namespace Tollgate.Hosting.Tests.Grains;

[Alias("tests.ICounterGrain")]
public interface ICounterGrain : IGrainWithStringKey
{
    Task<long> GetAsync();

    Task<long> AddAsync(long delta);

    /// <summary>Adds and records <paramref name="note"/> in the same transaction ('refuse' breaks a constraint).</summary>
    Task<long> AddWithNoteAsync(long delta, string note);
}

/// <summary>The row of <c>test_counters</c>.</summary>
public sealed record CounterState(long Value)
{
    public static readonly StateTable<CounterState> Table =
        new StateTable<CounterState>("test_counters", () => new CounterState(0), row => new CounterState(row.Get<long>("value")))
            .Column("value", s => s.Value);
}

/// <summary>
/// A grain that changes its state and writes it with no error handling of its own: what it serves after a failed
/// write is what the storage provider leaves it.
/// </summary>
public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    public Task<long> GetAsync() => Task.FromResult(state.State.Value);

    public async Task<long> AddAsync(long delta)
    {
        state.State = state.State with { Value = state.State.Value + delta };
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public async Task<long> AddWithNoteAsync(long delta, string note)
    {
        state.State = state.State with { Value = state.State.Value + delta };
        await state.WriteStateAsync([new CompanionStatement("INSERT INTO test_counter_notes (counter_id, note) VALUES ($1, $2)", this.GetPrimaryKeyString(), note)]);
        return state.State.Value;
    }
}
