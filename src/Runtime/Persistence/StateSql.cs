namespace Tollgate.Runtime;

/// <summary>
/// The statements of one state table, built once. Parameters are positional: the key columns first, then the
/// data columns, then the expected version. Identifiers were validated by <see cref="StateTable"/>.
/// </summary>
internal sealed class StateSql
{
    /// <summary>The sequence every version comes from (runtime migration 0001).</summary>
    private const string NextVersion = "nextval('grain_state_version')";

    public StateSql(StateTable table)
    {
        var keys = table.KeyColumns;
        var columns = table.ColumnNames;
        var where = string.Join(" AND ", keys.Select((k, i) => $"{k} = ${i + 1}"));
        var dataParameters = columns.Select((_, i) => $"${keys.Count + i + 1}").ToList();
        var versionParameter = $"${keys.Count + columns.Count + 1}";
        var selectList = string.Concat(columns.Select(c => ", " + c));

        Select = $"SELECT version{selectList} FROM {table.Name} WHERE {where}";
        Version = $"SELECT version FROM {table.Name} WHERE {where}";
        Insert = $"INSERT INTO {table.Name} ({string.Join(", ", keys)}, version{selectList}) " +
                 $"VALUES ({string.Join(", ", keys.Select((_, i) => $"${i + 1}"))}, {NextVersion}{string.Concat(dataParameters.Select(p => ", " + p))}) " +
                 $"ON CONFLICT ({string.Join(", ", keys)}) DO NOTHING RETURNING version";
        Update = $"UPDATE {table.Name} SET version = {NextVersion}{string.Concat(columns.Select((c, i) => $", {c} = {dataParameters[i]}"))} " +
                 $"WHERE {where} AND version = {versionParameter} RETURNING version";
        Delete = $"DELETE FROM {table.Name} WHERE {where} AND version = ${keys.Count + 1}";
    }

    public string Select { get; }

    public string Version { get; }

    public string Insert { get; }

    public string Update { get; }

    public string Delete { get; }
}
