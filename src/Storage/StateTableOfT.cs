using Npgsql;

namespace Tollgate.Storage;

/// <summary>
/// The table of state type <typeparamref name="TState"/>: declare columns with <see cref="Column{TValue}"/> and
/// how to build the state from a row. Everything is built once; storing a state does no reflection.
/// </summary>
public sealed class StateTable<TState> : StateTable
{
    private readonly Func<TState> _initial;
    private readonly Func<StateRow, TState> _read;
    private readonly List<StateColumn> _columns = [];
    private readonly Dictionary<string, int> _ordinals = new(StringComparer.Ordinal);

    /// <param name="name">The table.</param>
    /// <param name="initial">The state of a grain that has no row yet.</param>
    /// <param name="read">Builds the state from a stored row.</param>
    public StateTable(string name, Func<TState> initial, Func<StateRow, TState> read)
        : base(name, typeof(TState))
    {
        _initial = initial;
        _read = read;
    }

    public override IReadOnlyList<string> ColumnNames => _columns.ConvertAll(c => c.Name);

    /// <summary>Key columns, in the order of the '/'-separated parts of the grain key.</summary>
    public StateTable<TState> WithKey(params string[] keyColumns)
    {
        if (keyColumns.Length == 0)
        {
            throw new ArgumentException("A state table needs at least one key column.", nameof(keyColumns));
        }

        KeyColumns = Array.ConvertAll(keyColumns, CheckIdentifier);
        return this;
    }

    /// <summary>
    /// Group-commit this table's writes: for hot write paths (many grains writing at once) where sharing a commit
    /// is worth waiting for the batch in flight. A write still returns only once committed; a conflicting write
    /// fails alone; a batch that fails as a whole is retried write by write, so one bad write fails only itself.
    /// </summary>
    public StateTable<TState> WithGroupCommit()
    {
        GroupCommit = true;
        return this;
    }

    /// <summary>A data column whose value is <paramref name="value"/> of the state.</summary>
    public StateTable<TState> Column<TValue>(string name, Func<TState, TValue> value)
    {
        CheckIdentifier(name);
        if (!_ordinals.TryAdd(name, _columns.Count) || KeyColumns.Contains(name) || name == "version")
        {
            throw new ArgumentException($"Column '{name}' of {Name} is declared twice or clashes with a key or 'version'.", nameof(name));
        }

        _columns.Add(new StateColumn(
            name,
            state => value(state),
            state => value(state) is { } v ? new NpgsqlParameter<TValue> { TypedValue = v } : new NpgsqlParameter { Value = DBNull.Value },
            states =>
            {
                var values = new TValue[states.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = value((TState)states[i]);
                }

                return new NpgsqlParameter<TValue[]> { TypedValue = values };
            }));
        return this;
    }

    internal override NpgsqlParameter[] ColumnArrays(IReadOnlyList<object> states) => _columns.ConvertAll(c => c.Array(states)).ToArray();

    internal IReadOnlyList<StateColumn> Columns => _columns;

    internal int Ordinal(string column) => _ordinals.TryGetValue(column, out var ordinal)
        ? ordinal
        : throw new ArgumentException($"{Name} has no column '{column}'.", nameof(column));

    public TState CreateInitial() => _initial();

    internal TState Read(StateRow row) => _read(row);

    internal sealed record StateColumn(
        string Name, Func<TState, object?> Value, Func<TState, NpgsqlParameter> Parameter, Func<IReadOnlyList<object>, NpgsqlParameter> Array);
}
