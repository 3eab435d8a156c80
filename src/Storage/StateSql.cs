namespace Tollgate.Storage;

/// <summary>
/// The statements of one state table, built once. Parameters are positional: the key columns first, then the
/// data columns, then the expected version. Identifiers were validated by <see cref="StateTable"/>.
/// </summary>
internal sealed class StateSql
{
    /// <summary>The sequence every version comes from (storage migration 0001).</summary>
    private const string NextVersion = "nextval('grain_state_version')";

    /// <param name="table">The state table.</param>
    /// <param name="fenced">
    /// Writes also require that the writing silo's row in Orleans' membership table (the four parameters after the
    /// others: cluster id, address, port, generation) is not Dead, so a silo voted dead cannot write late.
    /// </param>
    public StateSql(StateTable table, bool fenced)
    {
        _table = table;
        _fenced = fenced;
        var keys = table.KeyColumns;
        var columns = table.ColumnNames;
        var where = string.Join(" AND ", keys.Select((k, i) => $"{k} = ${i + 1}"));
        var dataParameters = columns.Select((_, i) => $"${keys.Count + i + 1}").ToList();
        var versionParameter = $"${keys.Count + columns.Count + 1}";
        var selectList = string.Concat(columns.Select(c => ", " + c));
        var insertFenceAt = keys.Count + columns.Count + 1;
        var updateFenceAt = keys.Count + columns.Count + 2;
        var deleteFenceAt = keys.Count + 2;

        Select = $"SELECT version{selectList} FROM {table.Name} WHERE {where}";
        Version = $"SELECT version FROM {table.Name} WHERE {where}";
        Insert = $"INSERT INTO {table.Name} ({string.Join(", ", keys)}, version{selectList}) " +
                 $"SELECT {string.Join(", ", keys.Select((_, i) => $"${i + 1}"))}, {NextVersion}{string.Concat(dataParameters.Select(p => ", " + p))} " +
                 $"{(fenced ? "WHERE " + Alive(insertFenceAt) : "")} " +
                 $"ON CONFLICT ({string.Join(", ", keys)}) DO NOTHING RETURNING version";
        Update = $"UPDATE {table.Name} SET version = {NextVersion}{string.Concat(columns.Select((c, i) => $", {c} = {dataParameters[i]}"))} " +
                 $"WHERE {where} AND version = {versionParameter}{(fenced ? " AND " + Alive(updateFenceAt) : "")} RETURNING version";
        Delete = $"DELETE FROM {table.Name} WHERE {where} AND version = ${keys.Count + 1}{(fenced ? " AND " + Alive(deleteFenceAt) : "")}";
    }

    private readonly StateTable _table;
    private readonly bool _fenced;

    /// <summary>
    /// One statement that updates many rows of the table, each fenced on its own expected version: parameters are
    /// one array per key column, the expected versions, one array per data column (cast to the column types read
    /// from the catalog, <paramref name="columnTypes"/> by column name), then the scalar fence. It returns the key
    /// columns and the new version of each row it changed; a row missing from the answer lost its version.
    /// </summary>
    public string GroupUpdate(IReadOnlyDictionary<string, string> columnTypes)
    {
        var keys = _table.KeyColumns;
        var columns = _table.ColumnNames;
        var arrays = keys.Concat(["version"]).Concat(columns).Select((c, i) => $"${i + 1}::{columnTypes[c]}[]");
        var names = keys.Select(k => "k_" + k).Concat(["expected"]).Concat(columns.Select(c => "c_" + c));
        var fenceAt = keys.Count + 1 + columns.Count + 1;
        return $"UPDATE {_table.Name} AS t SET version = {NextVersion}{string.Concat(columns.Select(c => $", {c} = v.c_{c}"))} " +
               $"FROM unnest({string.Join(", ", arrays)}) AS v({string.Join(", ", names)}) " +
               $"WHERE {string.Join(" AND ", keys.Select(k => $"t.{k} = v.k_{k}"))} AND t.version = v.expected" +
               $"{(_fenced ? " AND " + Alive(fenceAt) : "")} RETURNING {string.Join(", ", keys.Select(k => $"t.{k}::text"))}, t.version";
    }

    /// <summary>The table's column types as <c>format_type</c> gives them, for <see cref="GroupUpdate"/>; parameter: the table name.</summary>
    public const string ColumnTypes =
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped";

    /// <summary>Orleans' <c>SiloStatus.Dead</c> in the membership table.</summary>
    private const int Dead = 6;

    private static string Alive(int first) =>
        $"NOT EXISTS (SELECT 1 FROM orleansmembershiptable WHERE deploymentid = ${first} AND address = ${first + 1} AND port = ${first + 2} " +
        $"AND generation = ${first + 3} AND status = {Dead})";

    public string Select { get; }

    public string Version { get; }

    public string Insert { get; }

    public string Update { get; }

    public string Delete { get; }
}
