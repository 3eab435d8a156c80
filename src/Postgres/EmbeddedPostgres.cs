using Microsoft.Extensions.Logging;

namespace Tollgate.Postgres;

/// <summary>
/// A private PostgreSQL server run from the installed server programs, for when no connection string is
/// configured. The data folder survives restarts unless <see cref="EmbeddedPostgresOptions.DeleteOnStop"/> is set.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private readonly PgCtl _pgCtl;
    private readonly DataDirectoryLock _lock;
    private readonly ILogger _logger;
    private readonly bool _deleteOnStop;
    private readonly bool _createdParent;
    private readonly Lock _gate = new();
    private Task? _stopping;

    private EmbeddedPostgres(
        PgCtl pgCtl, DataDirectoryLock directoryLock, ILogger logger, bool deleteOnStop, bool createdParent,
        string dataDirectory, int port, string connectionString, bool initialized)
    {
        _createdParent = createdParent;
        _pgCtl = pgCtl;
        _lock = directoryLock;
        _logger = logger;
        _deleteOnStop = deleteOnStop;
        DataDirectory = dataDirectory;
        Port = port;
        ConnectionString = connectionString;
        Initialized = initialized;
    }

    /// <summary>Connection string for the configured database, as the postgres superuser over loopback TCP.</summary>
    public string ConnectionString { get; }

    public int Port { get; }

    /// <summary>Absolute path of the data folder.</summary>
    public string DataDirectory { get; }

    /// <summary>True when this start created the cluster; false when existing data was reused.</summary>
    public bool Initialized { get; }

    /// <summary>Finds the server programs, initialises or reuses the data folder, starts the server and creates the database.</summary>
    public static async Task<EmbeddedPostgres> StartAsync(
        EmbeddedPostgresOptions options, ILogger logger, CancellationToken cancellationToken = default)
    {
        OptionsValidator.Validate(options);
        ArgumentNullException.ThrowIfNull(logger);

        var dataDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.DataDirectory));
        var parent = Path.GetDirectoryName(dataDirectory)
            ?? throw new ArgumentException("DataDirectory cannot be a file system root.", nameof(options));

        // Found before anything is written, so a machine without PostgreSQL is left untouched by the attempt.
        var binaries = await PostgresBinaries
            .FindAsync(options.BinDirectory, DataFolder.PeekVersion(dataDirectory), cancellationToken)
            .ConfigureAwait(false);
        var createdParent = !Directory.Exists(parent);
        Directory.CreateDirectory(parent);

        // Taken before the folder is touched: whoever holds it owns the folder and any server running on it.
        var directoryLock = DataDirectoryLock.Acquire(dataDirectory);
        try
        {
            var started = new StartContext(options, logger, dataDirectory, binaries, directoryLock, createdParent);
            return await StartLockedAsync(started, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    /// <summary>Stops the server (fast shutdown) and releases the folder; safe to call more than once.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        Task stopping;
        lock (_gate)
        {
            // The stop itself is not cancellable: abandoning it halfway would leave an unowned server behind.
            // Cancelling only stops this caller's wait.
            stopping = _stopping ??= StopCoreAsync();
        }

        return stopping.WaitAsync(cancellationToken);
    }

    /// <summary>Stops the server, then deletes the data folder and password file if DeleteOnStop is set.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (!_deleteOnStop)
        {
            return;
        }

        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }

        File.Delete(PasswordFile.PathFor(DataDirectory));
        File.Delete(DataFolder.PendingMarkerFor(DataDirectory));
        File.Delete(_lock.Path);

        // Tests put each server in a folder of its own; leave nothing of it behind.
        var parent = Path.GetDirectoryName(DataDirectory)!;
        if (_createdParent && Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any())
        {
            Directory.Delete(parent);
        }

        Log.Deleted(_logger, DataDirectory);
    }

    private async Task StopCoreAsync()
    {
        try
        {
            Log.Stopping(_logger, Port, DataDirectory);
            await _pgCtl.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _lock.Dispose();
        }
    }

    private static async Task<EmbeddedPostgres> StartLockedAsync(StartContext start, CancellationToken cancellationToken)
    {
        var (options, logger, dataDirectory, binaries, _, _) = start;
        var existingMajor = DataFolder.ExistingVersion(dataDirectory, logger);
        if (existingMajor is not null && existingMajor != binaries.MajorVersion)
        {
            // The folder changed between the unlocked peek and now; pick the programs for what is there.
            binaries = await PostgresBinaries.FindAsync(options.BinDirectory, existingMajor, cancellationToken)
                .ConfigureAwait(false);
        }

        var account = ServerAccount.Current;
        await account.EnsureUsableAsync(cancellationToken).ConfigureAwait(false);
        var pgCtl = new PgCtl(binaries, account, dataDirectory);
        var passwordPath = PasswordFile.PathFor(dataDirectory);

        string password;
        if (existingMajor is null)
        {
            Log.Initialising(logger, binaries.Version, dataDirectory, binaries.BinDirectory);
            password = await DataFolder.InitializeAsync(pgCtl, account, dataDirectory, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            Log.Reusing(logger, dataDirectory, binaries.Version, binaries.BinDirectory);
            password = PasswordFile.Load(passwordPath, dataDirectory);
            await account.GrantAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
            await account.EnsureReachableAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
            await DataFolder.StopOrphanAsync(pgCtl, logger, dataDirectory, cancellationToken).ConfigureAwait(false);
        }

        var port = await ServerLauncher.StartAsync(pgCtl, options, logger, dataDirectory, cancellationToken)
            .ConfigureAwait(false);
        try
        {
            await DatabaseBootstrap
                .EnsureDatabaseAsync(port, password, options.Database, options.StartTimeout, passwordPath, logger, cancellationToken)
                .ConfigureAwait(false);
        }
        catch
        {
            await ServerLauncher.TryStopAsync(pgCtl, logger, dataDirectory).ConfigureAwait(false);
            throw;
        }

        Log.Ready(logger, port, options.Database);
        var connectionString = DatabaseBootstrap.ConnectionFor(port, password, options.Database).ConnectionString;
        return new EmbeddedPostgres(
            pgCtl, start.DirectoryLock, logger, options.DeleteOnStop, start.CreatedParent, dataDirectory, port,
            connectionString, initialized: existingMajor is null);
    }

    private sealed record StartContext(
        EmbeddedPostgresOptions Options, ILogger Logger, string DataDirectory, PostgresBinaries Binaries,
        DataDirectoryLock DirectoryLock, bool CreatedParent);
}
