namespace Tollgate.Runtime;

/// <summary>
/// Process-local storage with the same fencing as the PostgreSQL one; states are kept as column values, as a
/// table row would hold them, so no caller can mutate a stored state through a reference.
/// </summary>
public sealed class InMemoryGrainStorage(StateTableRegistry tables) : IGrainStorage
{
    private readonly Dictionary<(string Table, string Key), (object?[] Values, long Version)> _rows = [];
    private long _lastVersion;

    public Task<StoredState<TState>?> ReadAsync<TState>(string key, CancellationToken cancellationToken = default) where TState : class
    {
        var table = tables.Get<TState>();
        table.SplitKey(key);
        lock (_rows)
        {
            return Task.FromResult(_rows.TryGetValue((table.Name, key), out var row)
                ? new StoredState<TState>(table.Read(new ValuesRow<TState>(table, row.Values)), row.Version)
                : null);
        }
    }

    public Task<long> WriteAsync<TState>(string key, TState state, long expectedVersion, IReadOnlyList<CompanionStatement> companions, CancellationToken cancellationToken = default)
        where TState : class => companions.Count == 0
            ? WriteAsync(key, state, expectedVersion, cancellationToken)
            : throw new NotSupportedException("In-memory grain storage cannot run companion SQL statements; use PostgreSQL storage.");

    public Task<long> WriteAsync<TState>(string key, TState state, long expectedVersion, CancellationToken cancellationToken = default) where TState : class
    {
        var table = tables.Get<TState>();
        table.SplitKey(key);
        var values = table.Columns.Select(c => c.Value(state)).ToArray();
        lock (_rows)
        {
            CheckVersion(table, key, expectedVersion);
            var version = ++_lastVersion;
            _rows[(table.Name, key)] = (values, version);
            return Task.FromResult(version);
        }
    }

    public Task ClearAsync<TState>(string key, long expectedVersion, CancellationToken cancellationToken = default) where TState : class
    {
        var table = tables.Get<TState>();
        table.SplitKey(key);
        lock (_rows)
        {
            CheckVersion(table, key, expectedVersion);
            _rows.Remove((table.Name, key));
        }

        return Task.CompletedTask;
    }

    private void CheckVersion(StateTable table, string key, long expectedVersion)
    {
        long? stored = _rows.TryGetValue((table.Name, key), out var row) ? row.Version : null;
        if ((stored ?? 0) != expectedVersion)
        {
            throw new InconsistentStateException(table.StateType.Name, key, expectedVersion, stored);
        }
    }

    private sealed class ValuesRow<TState>(StateTable<TState> table, object?[] values) : StateRow where TState : class
    {
        public override T Get<T>(string column) => values[table.Ordinal(column)] is T value ? value : default!;
    }
}
