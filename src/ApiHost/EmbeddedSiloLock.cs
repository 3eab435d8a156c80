using Npgsql;
using Tollgate.Runtime.Postgres;

namespace Tollgate.ApiHost;

/// <summary>
/// An embedded silo is a cluster of one with no membership: a second one on the same database would activate the
/// same grains a second time, and each would serve its own copy of a role or a session. So an embedded host holds
/// a PostgreSQL advisory lock for its lifetime, and a second one (another host, or the CLI while the server
/// runs) stops at start with a clear message. Clusters use membership instead (<c>ApiHost:Mode=Cluster</c>).
/// </summary>
internal sealed class EmbeddedSiloLock(PostgresDatabase database) : IHostedService, IAsyncDisposable
{
    private const long LockKey = 0x54474c2d53494c4f; // "TGL-SILO"; the migrator holds its own key
    private NpgsqlConnection? _connection;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", _connection) { Parameters = { new() { Value = LockKey } } };
        if (!(bool)(await command.ExecuteScalarAsync(cancellationToken))!)
        {
            throw new EmbeddedPostgresException(
                "another Tollgate process with an embedded silo is using this database. Stop it first, or run a cluster " +
                "(src/Silo processes, API hosts and the CLI with --ApiHost:Mode Cluster).");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync(); // closing the session releases the lock
        }
    }
}
