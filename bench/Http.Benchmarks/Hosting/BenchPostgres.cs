using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Runtime.Postgres;

namespace Tollgate.Http.Benchmarks.Hosting;

/// <summary>
/// A throwaway PostgreSQL server in a fresh temporary folder, started from the installed binaries the way
/// <c>tests/Testing/PostgresFixture.cs</c> starts it (fsync off), and deleted when disposed.
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

    public static async Task<BenchPostgres> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("tollgate-http-bench-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            // Run as root, the server runs as the postgres account, which must be able to enter the folder.
            File.SetUnixFileMode(folder, File.GetUnixFileMode(folder) | UnixFileMode.OtherExecute);
        }

        var options = new EmbeddedPostgresOptions { DataDirectory = Path.Combine(folder, "pg"), DeleteOnStop = true };
        options.Settings["fsync"] = "off";
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
