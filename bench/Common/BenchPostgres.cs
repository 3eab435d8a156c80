using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Postgres;

namespace Tollgate.Bench;

/// <summary>
/// A throwaway PostgreSQL server in a fresh temporary folder, started from the installed binaries the way
/// <c>tests/Testing/PostgresFixture.cs</c> starts it (fsync off unless asked for durable commits), and deleted when disposed.
/// </summary>
public sealed class BenchPostgres : IAsyncDisposable
{
    private readonly EmbeddedPostgres _server;
    private readonly string _folder;

    private BenchPostgres(EmbeddedPostgres server, string folder)
    {
        _server = server;
        _folder = folder;
    }

    public string ConnectionString => _server.ConnectionString;

    /// <summary>The postmaster's process id (first line of <c>postmaster.pid</c>), or 0 when it cannot be read.</summary>
    public int PostmasterPid
    {
        get
        {
            try
            {
                return int.TryParse(File.ReadLines(Path.Combine(_folder, "pg", "postmaster.pid")).First(), out var pid) ? pid : 0;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                return 0;
            }
        }
    }

    /// <param name="folderPrefix">The temporary folder's name before the random part (which benchmark left it, should one stay behind).</param>
    /// <param name="fsync">True: PostgreSQL's defaults (fsync on, synchronous_commit on), so a commit is on disk when it returns.</param>
    public static async Task<BenchPostgres> StartAsync(string folderPrefix = "tollgate-bench-", bool fsync = false)
    {
        var folder = Directory.CreateTempSubdirectory(folderPrefix).FullName;
        if (!OperatingSystem.IsWindows())
        {
            // Run as root, the server runs as the postgres account, which must be able to enter the folder.
            File.SetUnixFileMode(folder, File.GetUnixFileMode(folder) | UnixFileMode.OtherExecute);
        }

        var options = new EmbeddedPostgresOptions { DataDirectory = Path.Combine(folder, "pg"), DeleteOnStop = true };
        options.Settings["fsync"] = fsync ? "on" : "off";
        options.Settings["max_connections"] = "300";
        try
        {
            return new BenchPostgres(await EmbeddedPostgres.StartAsync(options, NullLogger.Instance), folder);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
