using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Tollgate.Runtime.Postgres;

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
    private readonly Lock _gate = new();
    private Task? _stopping;

    private EmbeddedPostgres(
        PgCtl pgCtl, DataDirectoryLock directoryLock, ILogger logger, bool deleteOnStop,
        string dataDirectory, int port, string connectionString, bool initialized)
    {
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
        Directory.CreateDirectory(parent);

        // Taken before anything is touched: whoever holds it owns the folder and any server running on it.
        var directoryLock = DataDirectoryLock.Acquire(dataDirectory);
        try
        {
            return await StartLockedAsync(options, logger, dataDirectory, directoryLock, cancellationToken)
                .ConfigureAwait(false);
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
        File.Delete(_lock.Path);
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

    private static async Task<EmbeddedPostgres> StartLockedAsync(
        EmbeddedPostgresOptions options, ILogger logger, string dataDirectory, DataDirectoryLock directoryLock,
        CancellationToken cancellationToken)
    {
        var existingMajor = ReadExistingVersion(dataDirectory);
        var binaries = await PostgresBinaries.FindAsync(options.BinDirectory, existingMajor, cancellationToken)
            .ConfigureAwait(false);
        var account = ServerAccount.Current;
        await account.EnsureUsableAsync(cancellationToken).ConfigureAwait(false);
        var pgCtl = new PgCtl(binaries, account, dataDirectory);
        var passwordPath = PasswordFile.PathFor(dataDirectory);

        string password;
        if (existingMajor is null)
        {
            Log.Initialising(logger, binaries.Version, dataDirectory, binaries.BinDirectory);
            password = await InitializeAsync(pgCtl, account, dataDirectory, passwordPath, cancellationToken)
                .ConfigureAwait(false);
        }
        else
        {
            Log.Reusing(logger, dataDirectory, binaries.Version, binaries.BinDirectory);
            password = PasswordFile.Load(passwordPath, dataDirectory);
            await account.GrantAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
            await account.EnsureReachableAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
            await StopOrphanAsync(pgCtl, logger, dataDirectory, cancellationToken).ConfigureAwait(false);
        }

        var port = await StartServerAsync(pgCtl, options, logger, dataDirectory, cancellationToken).ConfigureAwait(false);
        try
        {
            await DatabaseBootstrap
                .EnsureDatabaseAsync(port, password, options.Database, options.StartTimeout, passwordPath, logger, cancellationToken)
                .ConfigureAwait(false);
        }
        catch
        {
            await TryStopAsync(pgCtl, logger, dataDirectory).ConfigureAwait(false);
            throw;
        }

        Log.Ready(logger, port, options.Database);
        var connectionString = DatabaseBootstrap.ConnectionFor(port, password, options.Database).ConnectionString;
        return new EmbeddedPostgres(
            pgCtl, directoryLock, logger, options.DeleteOnStop, dataDirectory, port, connectionString,
            initialized: existingMajor is null);
    }

    private static string? ReadExistingVersion(string dataDirectory)
    {
        if (!Directory.Exists(dataDirectory))
        {
            return null;
        }

        try
        {
            var versionFile = Path.Combine(dataDirectory, "PG_VERSION");
            if (File.Exists(versionFile))
            {
                return File.ReadAllText(versionFile).Trim();
            }

            // initdb only accepts an empty folder; saying so here beats its generic complaint.
            if (Directory.EnumerateFileSystemEntries(dataDirectory).Any())
            {
                throw new EmbeddedPostgresException(
                    $"The folder {dataDirectory} is not empty but holds no PostgreSQL data (no PG_VERSION). Empty or " +
                    "delete it, or choose another folder with Database:DataDirectory.");
            }

            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new EmbeddedPostgresException(
                $"Cannot read the PostgreSQL data folder {dataDirectory} ({ex.Message}). It was probably created by " +
                "another user (for example by a run as root); use that user, or choose another Database:DataDirectory.",
                ex);
        }
    }

    private static async Task<string> InitializeAsync(
        PgCtl pgCtl, ServerAccount account, string dataDirectory, string passwordPath, CancellationToken cancellationToken)
    {
        // The parent exists already, so the owner-only mode lands on the data folder alone.
        PrivateFiles.CreateDirectory(dataDirectory);
        await account.GrantAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
        await account.EnsureReachableAsync(dataDirectory, cancellationToken).ConfigureAwait(false);

        // Saved before initdb: if initdb fails the folder stays empty and the next start simply regenerates it.
        var password = PasswordFile.Generate();
        PasswordFile.Save(passwordPath, password);
        var initDbFile = await PasswordFile.WriteForInitDbAsync(password, account, dataDirectory, cancellationToken)
            .ConfigureAwait(false);
        try
        {
            await pgCtl.InitDbAsync(initDbFile, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            PasswordFile.DeleteInitDbFile(initDbFile);
        }

        return password;
    }

    /// <summary>
    /// We hold the folder's lock, so a server still running on it belongs to a process that died without
    /// stopping it. Its port is unknown and it may be mid-shutdown, so it is stopped and started afresh.
    /// </summary>
    private static async Task StopOrphanAsync(
        PgCtl pgCtl, ILogger logger, string dataDirectory, CancellationToken cancellationToken)
    {
        var pidFile = PostmasterPidFile.PathFor(dataDirectory);

        // A stale postmaster.pid whose process is gone is for the postmaster itself to clear on start.
        if (!File.Exists(pidFile) || !await pgCtl.IsRunningAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        switch (PostmasterPidFile.Identify(dataDirectory))
        {
            case PostmasterOwner.Exited:
                // Neither pg_ctl nor postgres can tell an unreaped server from a live one; we can.
                Log.RemovingStalePidFile(logger, pidFile);
                await PostmasterPidFile.WaitForServerProcessesAsync(dataDirectory, TimeSpan.FromSeconds(10), cancellationToken)
                    .ConfigureAwait(false);
                File.Delete(pidFile);
                break;
            case PostmasterOwner.Unrelated:
                throw new EmbeddedPostgresException(
                    $"{pidFile} names a process that is running but is not a PostgreSQL server for {dataDirectory} " +
                    "(the file probably survived a restart). If no server uses this folder, delete that file and start again.");
            default:
                Log.StoppingOrphan(logger, dataDirectory);
                await pgCtl.StopAsync(cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private static async Task<int> StartServerAsync(
        PgCtl pgCtl, EmbeddedPostgresOptions options, ILogger logger, string dataDirectory,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort();
            var logOffset = pgCtl.LogLength();
            Log.Starting(logger, port, dataDirectory);
            ProcessResult result;
            try
            {
                result = await pgCtl.StartAsync(port, options.Settings, options.StartTimeout, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await TryStopAsync(pgCtl, logger, dataDirectory).ConfigureAwait(false);
                throw;
            }

            if (result.Succeeded)
            {
                return port;
            }

            var tail = pgCtl.LogTail(logOffset);

            // pg_ctl gave up waiting, but a slow server may still come up later and must not be left running.
            await TryStopAsync(pgCtl, logger, dataDirectory).ConfigureAwait(false);
            if (attempt == 1 && RetryReason(tail) is { } reason)
            {
                Log.RetryingStart(logger, port, reason);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                continue;
            }

            throw new EmbeddedPostgresException(
                $"PostgreSQL did not start from {dataDirectory} on port {port}: {result.Diagnostics}\n" +
                $"Last lines of {pgCtl.LogFile}:\n{tail}");
        }
    }

    /// <summary>Failures a second attempt can fix: a port taken since we picked it, or a crashed server's last processes still exiting.</summary>
    private static string? RetryReason(string logTail)
    {
        if (logTail.Contains("Address already in use", StringComparison.Ordinal) ||
            logTail.Contains("could not create any TCP/IP sockets", StringComparison.Ordinal))
        {
            return "port already in use";
        }

        return logTail.Contains("pre-existing shared memory block", StringComparison.Ordinal)
            ? "the previous server's processes are still exiting"
            : null;
    }

    private static async Task TryStopAsync(PgCtl pgCtl, ILogger logger, string dataDirectory)
    {
        try
        {
            await pgCtl.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (EmbeddedPostgresException ex)
        {
            Log.CleanupFailed(logger, ex, dataDirectory);
        }
    }

    /// <summary>Asks the OS for a free loopback port; another process may still take it before the server binds.</summary>
    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
