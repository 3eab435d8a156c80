namespace Tollgate.Storage;

/// <summary>The state tables the silo knows, by state type.</summary>
public sealed class StateTableRegistry
{
    private readonly Dictionary<Type, StateTable> _tables = [];

    public StateTableRegistry(IEnumerable<StateTable> tables)
    {
        foreach (var table in tables)
        {
            if (!_tables.TryAdd(table.StateType, table))
            {
                throw new InvalidOperationException($"State type {table.StateType.Name} is registered twice.");
            }
        }
    }

    public IEnumerable<StateTable> Tables => _tables.Values;

    /// <summary>The table of <typeparamref name="TState"/>; a clear error when it was never registered.</summary>
    public StateTable<TState> Get<TState>() => _tables.TryGetValue(typeof(TState), out var table)
        ? (StateTable<TState>)table
        : throw new InvalidOperationException(
            $"No state table is registered for state type {typeof(TState).FullName}; register it with AddGrainState(new StateTable<{typeof(TState).Name}>(...)).");
}
