namespace Tollgate.Runtime;

/// <summary>
/// Fenced storage of grain states, one table per state type. Versions only grow: every write takes a new
/// version from one sequence, so a row that was deleted and written again never repeats a version an old
/// activation may still hold.
/// </summary>
public interface IGrainStorage
{
    /// <summary>The stored state of <paramref name="key"/>, or null when there is none.</summary>
    Task<StoredState<TState>?> ReadAsync<TState>(string key, CancellationToken cancellationToken = default) where TState : class;

    /// <summary>
    /// Writes <paramref name="state"/> if the stored version is <paramref name="expectedVersion"/> (0: no row yet)
    /// and returns the new version; otherwise throws <see cref="InconsistentStateException"/> and writes nothing.
    /// </summary>
    Task<long> WriteAsync<TState>(string key, TState state, long expectedVersion, CancellationToken cancellationToken = default) where TState : class;

    /// <summary>
    /// As <see cref="WriteAsync{TState}(string, TState, long, CancellationToken)"/>, with <paramref name="companions"/>
    /// executed in the same transaction after the fenced write: all commit, or (on a conflict or any error) none.
    /// </summary>
    Task<long> WriteAsync<TState>(string key, TState state, long expectedVersion, IReadOnlyList<CompanionStatement> companions, CancellationToken cancellationToken = default)
        where TState : class;

    /// <summary>Deletes the row if its version is <paramref name="expectedVersion"/>; fenced like a write.</summary>
    Task ClearAsync<TState>(string key, long expectedVersion, CancellationToken cancellationToken = default) where TState : class;
}
