using Npgsql;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>
/// The README's run command on a machine with PostgreSQL binaries and nothing configured: the host initialises
/// a private server under ./.data/, serves, stops it on shutdown, and reuses the data on the next start.
/// </summary>
public sealed class DefaultRunTests : IDisposable
{
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(30);
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("tollgate-run-").FullName;

    public DefaultRunTests()
    {
        // Like a checkout: others may traverse it, so the postgres user can reach ./.data when the tests run as root.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_workingDirectory, (UnixFileMode)0b111_101_101);
        }
    }

    private string DataDirectory => Path.Combine(_workingDirectory, ".data", "pg");

    [Fact]
    public async Task TheDefaultRunInitialisesItsOwnPostgresAndReusesItAfterAStopAndAKill()
    {
        await using (var first = ApiHostProcess.Start(_workingDirectory))
        {
            await first.WaitReadyAsync(ReadyWithin);
            Assert.True(File.Exists(Path.Combine(DataDirectory, "PG_VERSION")));
            Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.False(File.Exists(Path.Combine(DataDirectory, "postmaster.pid")), "shutdown stops the embedded server");
        var secondStart = DateTime.UtcNow;
        await using (var second = ApiHostProcess.Start(_workingDirectory))
        {
            await second.WaitReadyAsync(ReadyWithin);
            var migratedAt = await ScalarAsync<DateTime>("SELECT min(applied_at) FROM schema_migrations");
            Assert.True(migratedAt < secondStart, "the second start reuses the first start's database");
            await second.KillHardAsync();
        }

        // kill -9 leaves the server running; the next start adopts the folder and serves again.
        await using var third = ApiHostProcess.Start(_workingDirectory);
        await third.WaitReadyAsync(ReadyWithin);
        Assert.Equal(0, await third.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.False(File.Exists(Path.Combine(DataDirectory, "postmaster.pid")));
    }

    [Fact]
    public async Task WithoutUsableBinariesOrAConnectionStringStartupFailsWithOneClearError()
    {
        var missing = Path.Combine(_workingDirectory, "no-postgres-here");
        await using var host = ApiHostProcess.Start(_workingDirectory, new Dictionary<string, string> { ["Database__PostgresBinDirectory"] = missing });

        var exitCode = await host.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(missing, host.Output);
        Assert.Contains("initdb", host.Output);
        Assert.Contains("ConnectionStrings:Tollgate", host.Output);
        Assert.DoesNotContain("Unhandled exception", host.Output);
    }

    public void Dispose()
    {
        // The data folder belongs to the postgres user when the tests run as root; removing it needs no owner.
        try
        {
            Directory.Delete(_workingDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        var pid = await File.ReadAllLinesAsync(Path.Combine(DataDirectory, "postmaster.pid"));
        var password = (await File.ReadAllTextAsync(DataDirectory + ".password")).Trim();
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = int.Parse(pid[3], System.Globalization.CultureInfo.InvariantCulture),
            Username = "postgres",
            Password = password,
            Database = "tollgate",
        }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
