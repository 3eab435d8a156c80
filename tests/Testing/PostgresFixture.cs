using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Postgres;
using Xunit;

namespace Tollgate.Testing;

/// <summary>
/// One throwaway PostgreSQL server per test assembly, started from the installed binaries in a temporary
/// folder exactly as the default run starts its own, and deleted afterwards. Tests isolate by fresh ids.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private EmbeddedPostgres? _server;

    public string ConnectionString => _server?.ConnectionString ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync()
    {
        var options = new EmbeddedPostgresOptions
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), "tollgate-tests-" + Guid.NewGuid().ToString("N")[..12], "pg"),
            DeleteOnStop = true,
        };

        // A throwaway server: crash durability buys nothing here, and it makes the suite faster on a small disk.
        options.Settings["fsync"] = "off";
        options.Settings["max_connections"] = "300";
        _server = await EmbeddedPostgres.StartAsync(options, NullLogger.Instance);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Runs a scalar query against the test database.</summary>
    public async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }
}
