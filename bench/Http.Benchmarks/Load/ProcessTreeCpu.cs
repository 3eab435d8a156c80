using System.Globalization;

namespace Tollgate.Http.Benchmarks.Load;

/// <summary>
/// CPU time of a process and its direct children from <c>/proc</c> (Linux; zero elsewhere): for a PostgreSQL
/// postmaster, the whole server (backends, WAL writer, checkpointer), plus what exited children had used.
/// </summary>
public static class ProcessTreeCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>Seconds of CPU used so far by <paramref name="rootPid"/> and its children.</summary>
    public static double Seconds(int rootPid)
    {
        if (!OperatingSystem.IsLinux() || rootPid <= 0)
        {
            return 0;
        }

        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17); comm may hold spaces, so split after ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ppid = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (pid == rootPid)
                {
                    ticks += fields[11..15].Sum(f => long.Parse(f, CultureInfo.InvariantCulture));
                }
                else if (ppid == rootPid)
                {
                    ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
            {
                // exited while we looked
            }
        }

        return ticks / TicksPerSecond;
    }
}
