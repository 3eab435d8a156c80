using Microsoft.Extensions.Logging;
using Npgsql;

namespace Tollgate.Postgres;

/// <summary>
/// Applies pending migrations at start-up in one transaction under an advisory lock, so silos starting together
/// migrate once and a failed migration leaves the schema as it was.
/// </summary>
public static class PostgresMigrator
{
    // Any fixed number; it only has to be the same for every process migrating this database.
    private const long LockKey = 0x546f6c6c67617465;

    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, IEnumerable<IMigrationSource> sources, ILogger logger, CancellationToken cancellationToken)
    {
        var migrations = sources.SelectMany(s => s.GetMigrations().OrderBy(m => m.Version)).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                module     text        NOT NULL,
                version    integer     NOT NULL,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (module, version))
            """, cancellationToken);

        var applied = new Dictionary<(string, int), string>();
        await using (var command = new NpgsqlCommand("SELECT module, version, checksum FROM schema_migrations", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied[(reader.GetString(0), reader.GetInt32(1))] = reader.GetString(2);
            }
        }

        var count = 0;
        foreach (var migration in migrations)
        {
            if (applied.TryGetValue((migration.Module, migration.Version), out var checksum))
            {
                if (checksum != migration.Checksum)
                {
                    throw new InvalidOperationException(
                        $"Migration {migration.Module}/{migration.Version:D4}_{migration.Name} was changed after it was applied; " +
                        "add a new migration instead of editing an applied one.");
                }

                continue;
            }

            logger.LogInformation("Applying migration {Module}/{Version:D4}_{Name}", migration.Module, migration.Version, migration.Name);
            await ExecuteAsync(connection, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand(
                "INSERT INTO schema_migrations (module, version, name, checksum) VALUES ($1, $2, $3, $4)", connection);
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Module });
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Name });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Checksum });
            await record.ExecuteNonQueryAsync(cancellationToken);
            count++;
        }

        await transaction.CommitAsync(cancellationToken);
        return count;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
