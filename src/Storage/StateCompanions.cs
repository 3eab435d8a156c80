using Orleans.Runtime;

namespace Tollgate.Storage;

/// <summary>
/// Writes a grain state together with other rows: an audit row, an idempotency record, a processed-event mark.
/// The companions travel with the write in the calling flow (Orleans hands the write to <see cref="PostgresGrainStorage"/>
/// in the same asynchronous flow) and commit in the same transaction as the state, or not at all.
/// </summary>
public static class StateCompanions
{
    private static readonly AsyncLocal<IReadOnlyList<CompanionStatement>?> Pending = new();

    /// <summary>Writes the grain's state and runs <paramref name="companions"/> in the same transaction.</summary>
    public static async Task WriteStateAsync<TState>(this IPersistentState<TState> state, IReadOnlyList<CompanionStatement> companions)
    {
        Pending.Value = companions;
        try
        {
            await state.WriteStateAsync();
        }
        finally
        {
            Pending.Value = null;
        }
    }

    /// <summary>The companions of the write in progress (none outside <see cref="WriteStateAsync{TState}"/>); each is taken once.</summary>
    internal static IReadOnlyList<CompanionStatement> Take()
    {
        var companions = Pending.Value ?? [];
        Pending.Value = null;
        return companions;
    }
}
