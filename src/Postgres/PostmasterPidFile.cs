using System.Globalization;

namespace Tollgate.Postgres;

/// <summary>What the process named in postmaster.pid turns out to be.</summary>
internal enum PostmasterOwner
{
    /// <summary>No /proc to look at, or nothing readable: trust pg_ctl.</summary>
    Unknown,

    /// <summary>A server running on this data folder.</summary>
    ThisFolder,

    /// <summary>Exited, but not yet reaped (a zombie), so it still looks alive to pg_ctl and postgres.</summary>
    Exited,

    /// <summary>Some other live process that reuses the recorded PID.</summary>
    Unrelated,
}

/// <summary>
/// Checks the PID in postmaster.pid against /proc before anything acts on it: pg_ctl only asks whether
/// some process with that PID exists, which after a reboot or a crash may be an unrelated process
/// (that pg_ctl stop would then signal) or a zombie nobody reaps, as under a container init that does not reap.
/// </summary>
internal static class PostmasterPidFile
{
    public static string PathFor(string dataDirectory) => Path.Combine(dataDirectory, "postmaster.pid");

    public static PostmasterOwner Identify(string dataDirectory)
    {
        if (!Directory.Exists("/proc/self"))
        {
            return PostmasterOwner.Unknown;
        }

        try
        {
            var firstLine = File.ReadLines(PathFor(dataDirectory)).FirstOrDefault();
            if (!int.TryParse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
            {
                return PostmasterOwner.Unknown;
            }

            var process = $"/proc/{pid}";
            if (!Directory.Exists(process) || IsZombie(process))
            {
                return PostmasterOwner.Exited;
            }

            return WorksIn(process, dataDirectory) ? PostmasterOwner.ThisFolder : PostmasterOwner.Unrelated;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return PostmasterOwner.Unknown;
        }
    }

    /// <summary>
    /// Waits for the server processes of a dead postmaster to exit. Deleting postmaster.pid drops
    /// PostgreSQL's own guard against starting next to them, so we do its job: every server process
    /// works in the data folder, and none may be left when a new server starts.
    /// </summary>
    public static async Task WaitForServerProcessesAsync(string dataDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (LiveProcessesIn(dataDirectory) is { Count: > 0 } pids)
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new EmbeddedPostgresException(
                    $"The PostgreSQL server in {dataDirectory} has died, but its processes ({string.Join(", ", pids)}) " +
                    "are still running. Stop them, then start again.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
    }

    private static List<int> LiveProcessesIn(string dataDirectory)
    {
        var found = new List<int>();
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) &&
                WorksIn(process, dataDirectory) && !IsZombie(process))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>PostgreSQL server processes change into the data folder, and the postmaster is started with -D.</summary>
    private static bool WorksIn(string process, string dataDirectory) =>
        CurrentDirectoryIs(process, dataDirectory) || StartedWithDataDirectory(process, dataDirectory);

    private static bool CurrentDirectoryIs(string process, string dataDirectory)
    {
        try
        {
            return new DirectoryInfo(Path.Combine(process, "cwd")).LinkTarget is { } cwd && SamePath(cwd, dataDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Exited while we looked, or another user's process.
            return false;
        }
    }

    private static bool StartedWithDataDirectory(string process, string dataDirectory)
    {
        try
        {
            var arguments = File.ReadAllText(Path.Combine(process, "cmdline")).Split('\0');
            for (var i = 0; i + 1 < arguments.Length; i++)
            {
                if (arguments[i] == "-D" && SamePath(arguments[i + 1], dataDirectory))
                {
                    return true;
                }
            }

            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsZombie(string process)
    {
        try
        {
            // The state follows the parenthesised command name, which may itself contain ") ".
            var stat = File.ReadAllText(Path.Combine(process, "stat"));
            var end = stat.LastIndexOf(')');
            return end >= 0 && end + 2 < stat.Length && stat[end + 2] is 'Z' or 'X';
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    private static bool SamePath(string candidate, string dataDirectory) =>
        Path.IsPathFullyQualified(candidate) &&
        string.Equals(Path.TrimEndingDirectorySeparator(candidate), dataDirectory, StringComparison.Ordinal);
}
