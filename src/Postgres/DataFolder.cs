using Microsoft.Extensions.Logging;

namespace Tollgate.Postgres;

/// <summary>The state of the data folder before the server starts: fresh, reusable, half-initialised or still in use.</summary>
internal static class DataFolder
{
    /// <summary>Beside the folder, and present only while initdb runs, so an interrupted initdb is recognised.</summary>
    public static string PendingMarkerFor(string dataDirectory) => dataDirectory + ".initializing";

    /// <summary>A lock-free look at the data's PostgreSQL major version, only to choose which programs to use.</summary>
    public static string? PeekVersion(string dataDirectory)
    {
        try
        {
            var versionFile = Path.Combine(dataDirectory, "PG_VERSION");
            return File.Exists(versionFile) && !File.Exists(PendingMarkerFor(dataDirectory))
                ? File.ReadAllText(versionFile).Trim()
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The PostgreSQL major version of existing data, or null when the folder must be initialised.</summary>
    public static string? ExistingVersion(string dataDirectory, ILogger logger)
    {
        try
        {
            if (File.Exists(PendingMarkerFor(dataDirectory)))
            {
                // initdb writes PG_VERSION early, so a folder it did not finish would otherwise look reusable.
                Log.RestartingInterruptedInit(logger, dataDirectory);
                Clear(dataDirectory);
                return null;
            }

            if (!Directory.Exists(dataDirectory))
            {
                return null;
            }

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

    /// <summary>Runs initdb with a new superuser password and returns that password.</summary>
    public static async Task<string> InitializeAsync(
        PgCtl pgCtl, ServerAccount account, string dataDirectory, CancellationToken cancellationToken)
    {
        // The parent exists already, so the owner-only mode lands on the data folder alone. An existing
        // empty folder (say a mounted volume) is kept, not replaced.
        PrivateFiles.CreateDirectory(dataDirectory);
        await account.GrantAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
        await account.EnsureReachableAsync(dataDirectory, cancellationToken).ConfigureAwait(false);

        var pendingMarker = PendingMarkerFor(dataDirectory);
        PrivateFiles.WriteAllText(pendingMarker, "initdb has not finished; the folder beside this file is incomplete\n");

        // Saved before initdb: if initdb fails, the marker makes the next start regenerate it anyway.
        var password = PasswordFile.Generate();
        PasswordFile.Save(PasswordFile.PathFor(dataDirectory), password);
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

        File.Delete(pendingMarker);
        return password;
    }

    /// <summary>
    /// We hold the folder's lock, so a server still running on it belongs to a process that died without
    /// stopping it. Its port is unknown and it may be mid-shutdown, so it is stopped and started afresh.
    /// </summary>
    public static async Task StopOrphanAsync(
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

    /// <summary>Empties the folder but keeps it, since it may be a mount point.</summary>
    private static void Clear(string dataDirectory)
    {
        if (!Directory.Exists(dataDirectory))
        {
            return;
        }

        foreach (var entry in new DirectoryInfo(dataDirectory).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo directory && directory.LinkTarget is null)
            {
                directory.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
    }
}
