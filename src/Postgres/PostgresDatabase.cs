using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Tollgate.Postgres;

/// <summary>
/// The silo's database: the configured server, or an embedded one started from the installed binaries when no
/// connection string is set. Starting it applies pending migrations; one data source serves the process.
/// </summary>
public sealed class PostgresDatabase(IOptions<DatabaseOptions> options, IEnumerable<IMigrationSource> migrations, ILoggerFactory loggers) : IAsyncDisposable
{
    private static readonly TimeSpan StartupRetryBound = TimeSpan.FromSeconds(30);
    private readonly ILogger _logger = loggers.CreateLogger<PostgresDatabase>();
    private NpgsqlDataSource? _dataSource;
    private EmbeddedPostgres? _embedded;

    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("The database has not been started.");

    /// <summary>The embedded server, when this process started one.</summary>
    public EmbeddedPostgres? Embedded => _embedded;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var connectionString = settings.ConnectionString;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            _embedded = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions
            {
                DataDirectory = settings.DataDirectory,
                BinDirectory = settings.PostgresBinDirectory,
                Database = settings.DatabaseName,
            }, loggers.CreateLogger<EmbeddedPostgres>(), cancellationToken);
            connectionString = _embedded.ConnectionString;
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Sets(connectionString, "maxpoolsize", "maximumpoolsize"))
        {
            builder.MaxPoolSize = settings.MaxPoolSize;
        }

        if (!Sets(connectionString, "maxautoprepare"))
        {
            builder.MaxAutoPrepare = settings.MaxAutoPrepare;
        }

        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        await MigrateWithRetryAsync(cancellationToken);
    }

    /// <summary>True when a trivial query answers within two seconds.</summary>
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        if (_dataSource is null)
        {
            return false;
        }

        try
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(TimeSpan.FromSeconds(2));
            await using var command = _dataSource.CreateCommand("SELECT 1");
            return await command.ExecuteScalarAsync(bound.Token) is 1;
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
            _dataSource = null;
        }

        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
            _embedded = null;
        }
    }

    /// <summary>True when the connection string sets one of <paramref name="keywords"/> (lower case, without spaces).</summary>
    private static bool Sets(string connectionString, params string[] keywords) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(key => keywords.Contains(key.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()));

    // A database that is still starting (a pod next to ours, a restart) should delay start-up, not fail it.
    private async Task MigrateWithRetryAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartupRetryBound;
        while (true)
        {
            try
            {
                await PostgresMigrator.MigrateAsync(DataSource, migrations, _logger, cancellationToken);
                return;
            }
            catch (NpgsqlException exception) when (exception.IsTransient && DateTime.UtcNow < deadline)
            {
                _logger.LogWarning("Database not reachable yet ({Message}); retrying", exception.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }
}
