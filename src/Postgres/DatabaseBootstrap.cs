using Microsoft.Extensions.Logging;
using Npgsql;

namespace Tollgate.Postgres;

/// <summary>Creates the app's database on a freshly started server and proves it accepts connections.</summary>
internal static class DatabaseBootstrap
{
    private const string DuplicateDatabase = "42P04";
    private const string InvalidPassword = "28P01";

    public static NpgsqlConnectionStringBuilder ConnectionFor(int port, string password, string database) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        Username = "postgres",
        Password = password,
        Database = database,
    };

    public static async Task EnsureDatabaseAsync(
        int port, string password, string database, TimeSpan timeout, string passwordFile, ILogger logger,
        CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;

        // Pooling is off: these one-off admin connections must not linger and hold up the server's shutdown.
        var admin = ConnectionFor(port, password, "postgres");
        admin.Pooling = false;
        await using (var connection = await OpenAsync(admin, deadline, passwordFile, cancellationToken).ConfigureAwait(false))
        {
            await using var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", connection);
            exists.Parameters.Add(new NpgsqlParameter { Value = database });
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                await CreateAsync(connection, database, cancellationToken).ConfigureAwait(false);
                Log.CreatedDatabase(logger, database);
            }
        }

        var target = ConnectionFor(port, password, database);
        target.Pooling = false;
        await using var ready = await OpenAsync(target, deadline, passwordFile, cancellationToken).ConfigureAwait(false);
        await using var probe = new NpgsqlCommand("SELECT 1", ready);
        await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task CreateAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        // The name was checked against ^[a-z_][a-z0-9_]*$, so quoting it cannot be escaped out of.
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == DuplicateDatabase)
        {
            // Created between our check and now; what we wanted exists.
        }
    }

    /// <summary>Opens a connection, retrying while the server finishes starting up.</summary>
    private static async Task<NpgsqlConnection> OpenAsync(
        NpgsqlConnectionStringBuilder builder, DateTime deadline, string passwordFile, CancellationToken cancellationToken)
    {
        while (true)
        {
            var connection = new NpgsqlConnection(builder.ConnectionString);
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                return connection;
            }
            catch (PostgresException ex) when (ex.SqlState == InvalidPassword)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw new EmbeddedPostgresException(
                    $"The private PostgreSQL server rejected the password stored in {passwordFile}. The data folder and " +
                    "the password file do not belong together: restore the right file, delete both to start over, " +
                    "or configure a connection string (ConnectionStrings:Tollgate).",
                    ex);
            }
            catch (NpgsqlException ex) when (ex.IsTransient && DateTime.UtcNow < deadline)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }
}
