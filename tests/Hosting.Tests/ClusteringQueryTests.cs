using System.Data;
using System.Data.Common;
using Npgsql;
using Tollgate.Postgres;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.Hosting.Tests;

/// <summary>
/// Orleans' ADO.NET clustering queries of our migration, one by one against PostgreSQL through Npgsql, bound as
/// Orleans 10.4.2 binds them (named parameters, <c>DbType.String</c>, <c>Int32</c>, <c>DateTime</c> in UTC), each run
/// alone in autocommit as Orleans runs it: the compare-and-swap succeeds once and loses cleanly, the heartbeat leaves
/// the version alone, the cleanups delete only what they should — with plpgsql assertions on and off.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusteringQueryTests(PostgresFixture postgres) : IAsyncLifetime
{
    private NpgsqlDataSource _database = null!;
    private Dictionary<string, string> _queries = null!;
    private readonly string _deployment = "q" + Guid.NewGuid().ToString("N")[..12];

    public static readonly TheoryData<bool> Asserts = new() { true, false };

    public async Task InitializeAsync()
    {
        _database = NpgsqlDataSource.Create(postgres.ConnectionString);
        await PostgresMigrator.MigrateAsync(_database, [TollgateOrleans.ClusteringMigrations], Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        _queries = [];
        await using var command = _database.CreateCommand("SELECT QueryKey, QueryText FROM OrleansQuery");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            _queries[reader.GetString(0)] = reader.GetString(1);
        }
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public void EveryQueryOrleansRequiresIsThereWithTheOptionalPerRowCleanup()
    {
        string[] required =
        [
            "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "InsertMembershipKey", "UpdateMembershipKey",
            "UpdateIAmAlivetimeKey", "GatewaysQueryKey", "CleanupDefunctSiloEntriesKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntryKey",
        ];
        Assert.All(required, key => Assert.True(_queries.ContainsKey(key), $"{key} is missing"));
        Assert.DoesNotContain(_queries.Values, text => text.Contains("ASSERT", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(Asserts))]
    public async Task TheVersionRowIsInsertedOnceAndReadAllAlwaysReturnsIt(bool asserts)
    {
        Assert.Equal(1, await ScalarAsync("InsertMembershipVersionKey", asserts, Deployment()));
        Assert.Equal(0, await ScalarAsync("InsertMembershipVersionKey", asserts, Deployment()));

        var rows = await ReadAsync("MembershipReadAllKey", Deployment());
        var row = Assert.Single(rows);
        Assert.Equal(0, Convert.ToInt32(row["Version"]));
        Assert.Equal(DBNull.Value, row["StartTime"]);
        Assert.Equal(DBNull.Value, row["Address"]);
    }

    [Theory]
    [MemberData(nameof(Asserts))]
    public async Task InsertingAMemberBumpsTheVersionOnlyWithTheVersionReadAndOnlyOnce(bool asserts)
    {
        await ScalarAsync("InsertMembershipVersionKey", asserts, Deployment());

        Assert.Equal(0, await ScalarAsync("InsertMembershipKey", asserts, [.. Deployment(), .. Member(11111, status: 2), Int("Version", 5)]));
        Assert.DoesNotContain(await ReadAsync("MembershipReadAllKey", Deployment()), r => r["Address"] is not DBNull);
        Assert.Equal(0, await VersionAsync());

        Assert.Equal(1, await ScalarAsync("InsertMembershipKey", asserts, [.. Deployment(), .. Member(11111, status: 2), Int("Version", 0)]));
        Assert.Equal(1, await VersionAsync());

        // The same member again, with the current version: refused, and the version stays.
        Assert.Equal(0, await ScalarAsync("InsertMembershipKey", asserts, [.. Deployment(), .. Member(11111, status: 2), Int("Version", 1)]));
        Assert.Equal(1, await VersionAsync());

        var row = Assert.Single(await ReadAsync("MembershipReadRowKey", [.. Deployment(), .. Key(11111)]));
        Assert.Equal(2, Convert.ToInt32(row["Status"]));
        Assert.Equal(30000, Convert.ToInt32(row["ProxyPort"]));
        Assert.Equal(1, Convert.ToInt32(row["Version"]));
        Assert.Equal("silo-11111", row["SiloName"]);
    }

    [Theory]
    [MemberData(nameof(Asserts))]
    public async Task UpdatingAMemberIsACompareAndSwapOnTheTableVersion(bool asserts)
    {
        await ScalarAsync("InsertMembershipVersionKey", asserts, Deployment());
        await ScalarAsync("InsertMembershipKey", asserts, [.. Deployment(), .. Member(11111, status: 2), Int("Version", 0)]);
        var alive = DateTime.UtcNow.AddSeconds(5);

        Assert.Equal(0, await ScalarAsync("UpdateMembershipKey", asserts,
            [.. Deployment(), .. Key(11111), Int("Status", 3), Text("SuspectTimes", null), Time("IAmAliveTime", alive), Int("Version", 0)]));
        Assert.Equal(2, Convert.ToInt32((await ReadAsync("MembershipReadRowKey", [.. Deployment(), .. Key(11111)]))[0]["Status"]));
        Assert.Equal(1, await VersionAsync());

        Assert.Equal(1, await ScalarAsync("UpdateMembershipKey", asserts,
            [.. Deployment(), .. Key(11111), Int("Status", 3), Text("SuspectTimes", "127.0.0.1:11112@1, 2026-12-04 01:00:00.000 GMT"), Time("IAmAliveTime", alive), Int("Version", 1)]));
        var row = (await ReadAsync("MembershipReadRowKey", [.. Deployment(), .. Key(11111)]))[0];
        Assert.Equal(3, Convert.ToInt32(row["Status"]));
        Assert.Equal("127.0.0.1:11112@1, 2026-12-04 01:00:00.000 GMT", row["SuspectTimes"]);
        Assert.Equal(2, await VersionAsync());

        // An unknown member: nothing changes, not even the version.
        Assert.Equal(0, await ScalarAsync("UpdateMembershipKey", asserts,
            [.. Deployment(), .. Key(22222), Int("Status", 6), Text("SuspectTimes", null), Time("IAmAliveTime", alive), Int("Version", 2)]));
        Assert.Equal(2, await VersionAsync());
    }

    [Fact]
    public async Task TheHeartbeatMovesOnlyIAmAliveTimeForwardAndNeverTheVersion()
    {
        await ScalarAsync("InsertMembershipVersionKey", true, Deployment());
        await ScalarAsync("InsertMembershipKey", true, [.. Deployment(), .. Member(11111, status: 3), Int("Version", 0)]);
        var later = DateTime.UtcNow.AddMinutes(1);

        await ExecuteAsync("UpdateIAmAlivetimeKey", [.. Deployment(), .. Key(11111), Time("IAmAliveTime", later)]);
        await ExecuteAsync("UpdateIAmAlivetimeKey", [.. Deployment(), .. Key(11111), Time("IAmAliveTime", later.AddMinutes(-10))]);

        var row = (await ReadAsync("MembershipReadRowKey", [.. Deployment(), .. Key(11111)]))[0];
        // Stored at millisecond precision (timestamptz(3) rounds): the later heartbeat, not the earlier one sent after it.
        Assert.InRange((((DateTime)row["IAmAliveTime"]).ToUniversalTime() - later).TotalMilliseconds, -1, 1);
        Assert.Equal(1, await VersionAsync());
    }

    [Fact]
    public async Task GatewaysAreTheActiveMembersThatRunOne()
    {
        await ScalarAsync("InsertMembershipVersionKey", true, Deployment());
        await ScalarAsync("InsertMembershipKey", true, [.. Deployment(), .. Member(11111, status: 3), Int("Version", 0)]);
        await ScalarAsync("InsertMembershipKey", true, [.. Deployment(), .. Member(11112, status: 3, proxyPort: 0), Int("Version", 1)]);
        await ScalarAsync("InsertMembershipKey", true, [.. Deployment(), .. Member(11113, status: 6), Int("Version", 2)]);

        var gateways = await ReadAsync("GatewaysQueryKey", [.. Deployment(), Int("Status", 3)]);

        var gateway = Assert.Single(gateways);
        Assert.Equal(30000, Convert.ToInt32(gateway["ProxyPort"]));
        Assert.Equal(1, Convert.ToInt32(gateway["Generation"]));
    }

    [Fact]
    public async Task CleanupDeletesOnlyOldEntriesOfSilosThatAreNotActive()
    {
        var old = DateTime.UtcNow.AddDays(-8);
        await ScalarAsync("InsertMembershipVersionKey", true, Deployment());
        await ScalarAsync("InsertMembershipKey", true, [.. Deployment(), .. Member(11111, status: 6, alive: old), Int("Version", 0)]);
        await ScalarAsync("InsertMembershipKey", true, [.. Deployment(), .. Member(11112, status: 3, alive: old), Int("Version", 1)]);
        await ScalarAsync("InsertMembershipKey", true, [.. Deployment(), .. Member(11113, status: 6), Int("Version", 2)]);

        await ExecuteAsync("CleanupDefunctSiloEntriesKey", [.. Deployment(), Time("IAmAliveTime", DateTime.UtcNow.AddDays(-7))]);

        var left = (await ReadAsync("MembershipReadAllKey", Deployment())).Select(r => Convert.ToInt32(r["Port"])).Order().ToArray();
        Assert.Equal([11112, 11113], left);
    }

    [Fact]
    public async Task ThePerRowCleanupDeletesADeadEntryOnlyWhileItHoldsTheValuesRead()
    {
        var old = DateTime.UtcNow.AddDays(-8);
        await ScalarAsync("InsertMembershipVersionKey", true, Deployment());
        await ScalarAsync("InsertMembershipKey", true, [.. Deployment(), .. Member(11111, status: 6, alive: old), Int("Version", 0)]);
        await ScalarAsync("InsertMembershipKey", true, [.. Deployment(), .. Member(11112, status: 3, alive: old), Int("Version", 1)]);
        var read = (await ReadAsync("MembershipReadAllKey", Deployment())).ToDictionary(r => Convert.ToInt32(r["Port"]));

        // A vote arrived after the read: the captured SuspectTimes no longer match, nothing is deleted.
        await ExecuteAsync("CleanupDefunctSiloEntryKey", [.. Deployment(), .. Key(11111), .. Captured(read[11111], suspectTimes: "someone else's vote")]);
        Assert.Equal(2, (await ReadAsync("MembershipReadAllKey", Deployment())).Count);

        // Not dead: kept even with matching values.
        await ExecuteAsync("CleanupDefunctSiloEntryKey", [.. Deployment(), .. Key(11112), .. Captured(read[11112])]);
        Assert.Equal(2, (await ReadAsync("MembershipReadAllKey", Deployment())).Count);

        await ExecuteAsync("CleanupDefunctSiloEntryKey", [.. Deployment(), .. Key(11111), .. Captured(read[11111])]);
        Assert.Equal([11112], (await ReadAsync("MembershipReadAllKey", Deployment())).Select(r => Convert.ToInt32(r["Port"])));
    }

    [Fact]
    public async Task DeletingAClustersEntriesLeavesOtherClustersAlone()
    {
        var other = "q" + Guid.NewGuid().ToString("N")[..12];
        foreach (var deployment in new[] { _deployment, other })
        {
            await ScalarAsync("InsertMembershipVersionKey", true, [Text("DeploymentId", deployment)]);
            await ScalarAsync("InsertMembershipKey", true, [Text("DeploymentId", deployment), .. Member(11111, status: 3), Int("Version", 0)]);
        }

        await ExecuteAsync("DeleteMembershipTableEntriesKey", Deployment());

        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = $1", _deployment));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = $1", other));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM orleansmembershipversiontable WHERE deploymentid = $1", other));
    }

    [Fact]
    public async Task ConcurrentInsertsWithTheSameVersionLetExactlyOneWin()
    {
        await ScalarAsync("InsertMembershipVersionKey", true, Deployment());

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            ScalarAsync("InsertMembershipKey", true, [.. Deployment(), .. Member(20000 + i, status: 2), Int("Version", 0)])));

        Assert.Equal(1, results.Sum());
        Assert.Equal(1, await VersionAsync());
        Assert.Single(await ReadAsync("MembershipReadAllKey", Deployment()), r => r["Address"] is not DBNull);
    }

    private DbParameter[] Deployment() => [Text("DeploymentId", _deployment)];

    private static DbParameter[] Key(int port) => [Text("Address", "127.0.0.1", DbType.AnsiString), Int("Port", port), Int("Generation", 1)];

    private static DbParameter[] Member(int port, int status, int proxyPort = 30000, DateTime? alive = null) =>
    [
        .. Key(port), Text("SiloName", $"silo-{port}"), Text("HostName", "host"), Int("Status", status), Int("ProxyPort", proxyPort),
        Time("StartTime", (alive ?? DateTime.UtcNow).AddSeconds(-1)), Time("IAmAliveTime", alive ?? DateTime.UtcNow),
    ];

    /// <summary>The values Orleans captured from a read, as it binds them for the per-row cleanup.</summary>
    private static DbParameter[] Captured(Dictionary<string, object> row, string? suspectTimes = null) =>
    [
        Time("StartTime", DateTime.SpecifyKind(((DateTime)row["StartTime"]).ToUniversalTime(), DateTimeKind.Utc)),
        Time("IAmAliveTime", DateTime.SpecifyKind(((DateTime)row["IAmAliveTime"]).ToUniversalTime(), DateTimeKind.Utc)),
        Text("SuspectTimes", suspectTimes ?? (row["SuspectTimes"] as string)),
    ];

    private static DbParameter Text(string name, string? value, DbType type = DbType.String) =>
        new NpgsqlParameter { ParameterName = name, DbType = type, Value = (object?)value ?? DBNull.Value };

    private static DbParameter Int(string name, int value) => new NpgsqlParameter { ParameterName = name, DbType = DbType.Int32, Value = value };

    private static DbParameter Time(string name, DateTime value) => new NpgsqlParameter { ParameterName = name, DbType = DbType.DateTime, Value = value };

    private async Task<NpgsqlCommand> CommandAsync(NpgsqlConnection connection, string key, bool asserts, DbParameter[] parameters)
    {
        await using (var setting = new NpgsqlCommand($"SET plpgsql.check_asserts = {(asserts ? "on" : "off")}", connection))
        {
            await setting.ExecuteNonQueryAsync();
        }

        var command = new NpgsqlCommand(_queries[key], connection);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private async Task<int> ScalarAsync(string key, bool asserts, DbParameter[] parameters)
    {
        await using var connection = await _database.OpenConnectionAsync();
        await using var command = await CommandAsync(connection, key, asserts, parameters);
        try
        {
            return Convert.ToInt32(await command.ExecuteScalarAsync());
        }
        catch (PostgresException) when (key == "InsertMembershipKey")
        {
            return 0; // a concurrent insert of the same member: the statement failed as a whole (Orleans reads a failure as 0)
        }
    }

    private async Task ExecuteAsync(string key, DbParameter[] parameters)
    {
        await using var connection = await _database.OpenConnectionAsync();
        await using var command = await CommandAsync(connection, key, asserts: true, parameters);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<Dictionary<string, object>>> ReadAsync(string key, DbParameter[] parameters)
    {
        await using var connection = await _database.OpenConnectionAsync();
        await using var command = await CommandAsync(connection, key, asserts: true, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object>>();
        while (await reader.ReadAsync())
        {
            // Orleans reads columns by name; Npgsql matches case-insensitively, as here.
            var row = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private async Task<int> VersionAsync() =>
        await postgres.ScalarAsync<int>("SELECT version FROM orleansmembershipversiontable WHERE deploymentid = $1", _deployment);
}
