using System.Text.RegularExpressions;

namespace Tollgate.Storage;

/// <summary>
/// Where a state type lives: a relational table with typed columns (so operators can query it), key columns
/// taken from the grain key, and an integer <c>version</c> column. The DDL is a versioned migration.
/// </summary>
public abstract partial class StateTable
{
    private protected StateTable(string name, Type stateType)
    {
        Name = CheckIdentifier(name);
        StateType = stateType;
    }

    /// <summary>Longest key accepted, in characters: keys are primary keys of state tables.</summary>
    public const int MaxKeyLength = 256;

    public string Name { get; }

    public Type StateType { get; }

    /// <summary>Columns that hold the grain key; a key with several columns is split on '/'.</summary>
    public IReadOnlyList<string> KeyColumns { get; private protected set; } = ["id"];

    /// <summary>
    /// Writes of this table are group-committed: concurrent writes of different grains share one transaction
    /// (one commit, one round trip), each still fenced on its own version. See <c>StateTable&lt;T&gt;.WithGroupCommit</c>.
    /// </summary>
    public bool GroupCommit { get; private protected set; }

    /// <summary>The data columns, in order.</summary>
    public abstract IReadOnlyList<string> ColumnNames { get; }

    /// <summary>One array parameter per data column, holding that column's value of each of <paramref name="states"/> in order.</summary>
    internal abstract Npgsql.NpgsqlParameter[] ColumnArrays(IReadOnlyList<object> states);

    /// <summary>The key column values for <paramref name="key"/>; throws a clear error when it does not fit.</summary>
    public string[] SplitKey(string key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"A grain key has 1 to {MaxKeyLength} characters; got {key?.Length ?? 0}.", nameof(key));
        }

        if (KeyColumns.Count == 1)
        {
            return [key];
        }

        var parts = key.Split('/');
        if (parts.Length != KeyColumns.Count || parts.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException(
                $"A {StateType.Name} key has {KeyColumns.Count} non-empty parts separated by '/' ({string.Join(", ", KeyColumns)}); got '{key}'.",
                nameof(key));
        }

        return parts;
    }

    private protected static string CheckIdentifier(string identifier) => IdentifierPattern().IsMatch(identifier)
        ? identifier
        : throw new ArgumentException($"'{identifier}' is not a valid table or column name (lower case letters, digits, '_').", nameof(identifier));

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();
}
