using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tollgate.Postgres;
using Xunit;
using Xunit.Abstractions;

namespace Tollgate.Postgres.Tests;

/// <summary>
/// Runs real PostgreSQL servers from the installed binaries, each in its own temporary folder.
/// </summary>
public sealed class EmbeddedPostgresTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tollgate-pg-test-").FullName;
    private readonly ILogger _logger;

    public EmbeddedPostgresTests(ITestOutputHelper output)
    {
        _logger = new TestOutputLogger(output);

        // Temporary folders are private to their owner; the server account must be able to pass through.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_root, File.GetUnixFileMode(_root) | UnixFileMode.OtherExecute);
        }
    }

    private string DataDirectory => Path.Combine(_root, "pg");

    public void Dispose()
    {
        // A failed test may leave a server behind; it must not outlive the folder.
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            RunServerTool("pg_ctl", "stop", "-D", DataDirectory, "-m", "immediate", "-w");
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task FreshFolderIsInitialisedAndAnswersQueries()
    {
        var server = await EmbeddedPostgres.StartAsync(Options(deleteOnStop: true), _logger);
        await using (server)
        {
            Assert.True(server.Initialized);
            Assert.Equal(DataDirectory, server.DataDirectory);
            Assert.Contains($"Port={server.Port}", server.ConnectionString, StringComparison.Ordinal);
            Assert.Equal(1, await ScalarAsync<int>(server.ConnectionString, "SELECT 1"));
            Assert.Equal("tollgate", await ScalarAsync<string>(server.ConnectionString, "SELECT current_database()"));
            Assert.True(File.Exists(DataDirectory + ".password"));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DataDirectory + ".password"));
            }
        }

        Assert.False(Directory.Exists(DataDirectory));
        Assert.False(File.Exists(DataDirectory + ".password"));
    }

    [Fact]
    public async Task DeleteOnStopAlsoRemovesTheFolderItCreatedForTheData()
    {
        var own = Path.Combine(_root, "own");
        var options = Options(deleteOnStop: true);
        options.DataDirectory = Path.Combine(own, "pg");

        await using (await EmbeddedPostgres.StartAsync(options, _logger))
        {
            Assert.True(Directory.Exists(own));
        }

        Assert.False(Directory.Exists(own));
        Assert.True(Directory.Exists(_root));
    }

    [Fact]
    public async Task RestartReusesTheDataAndPassword()
    {
        await using (var first = await EmbeddedPostgres.StartAsync(Options(), _logger))
        {
            Assert.True(first.Initialized);
            await CreateMarkerTableAsync(first.ConnectionString);
            await first.StopAsync();
            await first.StopAsync(); // idempotent
        }

        var second = await EmbeddedPostgres.StartAsync(Options(deleteOnStop: true), _logger);
        await using (second)
        {
            Assert.False(second.Initialized);
            Assert.Equal("kept", await ScalarAsync<string>(second.ConnectionString, "SELECT note FROM marker"));
        }

        Assert.False(Directory.Exists(DataDirectory));
    }

    [Fact]
    public async Task ServerLeftRunningByADeadProcessIsStoppedAndReplaced()
    {
        await using (var first = await EmbeddedPostgres.StartAsync(Options(), _logger))
        {
            await CreateMarkerTableAsync(first.ConnectionString);
        }

        // What a killed Tollgate process leaves behind: a live server and a free lock.
        var orphanPort = FreeLoopbackPort();
        RunServerTool(
            "pg_ctl", "start", "-D", DataDirectory, "-l", Path.Combine(DataDirectory, "orphan.log"), "-w",
            "-o", $"-c listen_addresses=127.0.0.1 -c port={orphanPort} -c unix_socket_directories=''");
        var orphanPid = ReadPostmasterPid();
        Assert.True(IsAlive(orphanPid));

        var server = await EmbeddedPostgres.StartAsync(Options(deleteOnStop: true), _logger);
        await using (server)
        {
            Assert.False(server.Initialized);
            Assert.False(IsAlive(orphanPid));
            Assert.NotEqual(orphanPid, ReadPostmasterPid());
            Assert.Equal("kept", await ScalarAsync<string>(server.ConnectionString, "SELECT note FROM marker"));
        }
    }

    [Fact]
    public async Task StalePidFileOfAGoneServerDoesNotBlockStart()
    {
        string pidFileContents;
        await using (var first = await EmbeddedPostgres.StartAsync(Options(), _logger))
        {
            await CreateMarkerTableAsync(first.ConnectionString);
            pidFileContents = await File.ReadAllTextAsync(Path.Combine(DataDirectory, "postmaster.pid"));
        }

        // As after a power cut: the file survives, its process does not.
        var lines = pidFileContents.Split('\n');
        lines[0] = DeadPid().ToString(System.Globalization.CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "postmaster.pid"), string.Join('\n', lines));
        ChownToServerAccount(Path.Combine(DataDirectory, "postmaster.pid"));

        var server = await EmbeddedPostgres.StartAsync(Options(deleteOnStop: true), _logger);
        await using (server)
        {
            Assert.Equal("kept", await ScalarAsync<string>(server.ConnectionString, "SELECT note FROM marker"));
        }
    }

    [Fact]
    public async Task KilledServerIsRecoveredOnNextStart()
    {
        await using (var first = await EmbeddedPostgres.StartAsync(Options(), _logger))
        {
            await CreateMarkerTableAsync(first.ConnectionString);
        }

        var port = FreeLoopbackPort();
        RunServerTool(
            "pg_ctl", "start", "-D", DataDirectory, "-l", Path.Combine(DataDirectory, "crash.log"), "-w",
            "-o", $"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories=''");
        Process.GetProcessById(ReadPostmasterPid()).Kill();

        var server = await EmbeddedPostgres.StartAsync(Options(deleteOnStop: true), _logger);
        await using (server)
        {
            Assert.Equal("kept", await ScalarAsync<string>(server.ConnectionString, "SELECT note FROM marker"));
        }
    }

    [Fact]
    public async Task InterruptedInitialisationIsRedone()
    {
        // What initdb leaves when killed part-way: PG_VERSION written, the rest missing, the marker still there.
        Directory.CreateDirectory(Path.Combine(DataDirectory, "base"));
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "PG_VERSION"), "15\n");
        await File.WriteAllTextAsync(DataDirectory + ".initializing", "");

        var server = await EmbeddedPostgres.StartAsync(Options(deleteOnStop: true), _logger);
        await using (server)
        {
            Assert.True(server.Initialized);
            Assert.False(File.Exists(DataDirectory + ".initializing"));
            Assert.Equal(1, await ScalarAsync<int>(server.ConnectionString, "SELECT 1"));
        }
    }

    [Fact]
    public async Task CancelledStartLeavesTheFolderUsable()
    {
        using (var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(
                () => EmbeddedPostgres.StartAsync(Options(), _logger, cancellation.Token));
        }

        var server = await EmbeddedPostgres.StartAsync(Options(deleteOnStop: true), _logger);
        await using (server)
        {
            Assert.Equal(1, await ScalarAsync<int>(server.ConnectionString, "SELECT 1"));
        }
    }

    [Fact]
    public async Task SecondStartOnAFolderInUseFailsClearly()
    {
        var server = await EmbeddedPostgres.StartAsync(Options(deleteOnStop: true), _logger);
        await using (server)
        {
            var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(
                () => EmbeddedPostgres.StartAsync(Options(), _logger));
            Assert.Contains("Another Tollgate process", error.Message, StringComparison.Ordinal);
            Assert.Contains(DataDirectory, error.Message, StringComparison.Ordinal);

            // The failed attempt must not have disturbed the owner.
            Assert.Equal(1, await ScalarAsync<int>(server.ConnectionString, "SELECT 1"));
        }
    }

    [Fact]
    public async Task EmptyBinDirectoryIsReported()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty-bin")).FullName;
        var options = Options(deleteOnStop: true);
        options.BinDirectory = empty;

        var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(() => EmbeddedPostgres.StartAsync(options, _logger));
        Assert.Contains(empty, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataDirectory));
        Assert.False(File.Exists(DataDirectory + ".lock"));
    }

    [Fact]
    public async Task FolderTheServerAccountCannotReachIsReported()
    {
        if (!IsRoot || OperatingSystem.IsWindows())
        {
            return; // only root hands the server to another account
        }

        var hidden = Directory.CreateDirectory(Path.Combine(_root, "hidden")).FullName;
        File.SetUnixFileMode(hidden, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = Options(deleteOnStop: true);
        options.DataDirectory = Path.Combine(hidden, "pg");

        var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(() => EmbeddedPostgres.StartAsync(options, _logger));
        Assert.Contains($"{hidden} is not searchable", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Tollgate")]
    [InlineData("1db")]
    [InlineData("")]
    [InlineData("bad-name")]
    [InlineData("x\"; DROP DATABASE postgres; --")]
    [InlineData("name\n")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public async Task BadDatabaseNameIsRejected(string database)
    {
        var options = Options(deleteOnStop: true);
        options.Database = database;

        await Assert.ThrowsAsync<ArgumentException>(() => EmbeddedPostgres.StartAsync(options, _logger));
    }

    [Fact]
    public async Task MissingPasswordFileForExistingDataIsReported()
    {
        await using (await EmbeddedPostgres.StartAsync(Options(), _logger))
        {
        }

        File.Delete(DataDirectory + ".password");
        var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(
            () => EmbeddedPostgres.StartAsync(Options(deleteOnStop: true), _logger));
        Assert.Contains("password file", error.Message, StringComparison.Ordinal);
        Assert.Contains(DataDirectory, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtraSettingsReachTheServer()
    {
        var options = Options(deleteOnStop: true);
        options.Database = "settings_test";
        options.Settings["max_connections"] = "42";
        options.Settings["application_name"] = "it's a \"test\" $HOME";

        var server = await EmbeddedPostgres.StartAsync(options, _logger);
        await using (server)
        {
            Assert.Equal("42", await ScalarAsync<string>(server.ConnectionString, "SHOW max_connections"));
            Assert.Equal(
                "it's a \"test\" $HOME",
                await ScalarAsync<string>(server.ConnectionString, "SELECT reset_val FROM pg_settings WHERE name = 'application_name'"));
            Assert.Equal("settings_test", await ScalarAsync<string>(server.ConnectionString, "SELECT current_database()"));
        }
    }

    [Fact]
    public async Task ServerThatWillNotStartIsReportedWithItsLog()
    {
        var options = Options();
        options.Settings["shared_buffers"] = "plenty";

        var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(() => EmbeddedPostgres.StartAsync(options, _logger));
        Assert.Contains("did not start", error.Message, StringComparison.Ordinal);
        Assert.Contains("shared_buffers", error.Message, StringComparison.Ordinal);

        // The failure released the folder and left no server behind.
        var server = await EmbeddedPostgres.StartAsync(Options(deleteOnStop: true), _logger);
        await using (server)
        {
            Assert.False(server.Initialized);
            Assert.Equal(1, await ScalarAsync<int>(server.ConnectionString, "SELECT 1"));
        }
    }

    private EmbeddedPostgresOptions Options(bool deleteOnStop = false) => new()
    {
        DataDirectory = DataDirectory,
        DeleteOnStop = deleteOnStop,
    };

    private static async Task CreateMarkerTableAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("CREATE TABLE marker (note text); INSERT INTO marker VALUES ('kept')", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        // No pooling: servers come and go between tests and a pooled connection would outlive its server.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private int ReadPostmasterPid() =>
        int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        // A stopped server nobody reaps lingers as a zombie; that counts as gone.
        var text = File.ReadAllText(stat);
        return text[text.LastIndexOf(')') + 2] is not ('Z' or 'X');
    }

    /// <summary>A PID that belonged to a process which has exited and been reaped.</summary>
    private static int DeadPid()
    {
        using var process = Process.Start("true")!;
        process.WaitForExit();
        return process.Id;
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>The newest installed server, found the same way the component's fallback does.</summary>
    private static string BinDirectory { get; } =
        Directory.EnumerateDirectories("/usr/lib/postgresql")
            .Select(dir => Path.Combine(dir, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "pg_ctl")))
            .OrderByDescending(bin => Version.Parse(Path.GetFileName(Path.GetDirectoryName(bin)!) + ".0"))
            .First();

    private static void ChownToServerAccount(string path)
    {
        if (IsRoot)
        {
            Run("chown", "postgres:", path);
        }
    }

    /// <summary>Runs a server program by hand, as the test's stand-in for another process.</summary>
    private static void RunServerTool(string program, params string[] arguments)
    {
        var path = Path.Combine(BinDirectory, program);
        if (IsRoot)
        {
            Run("runuser", ["-u", "postgres", "--", path, .. arguments]);
        }
        else
        {
            Run(path, arguments);
        }
    }

    private static void Run(string fileName, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{fileName} {string.Join(' ', arguments)} failed: {stderr.Result}{stdout.Result}");
    }

    private sealed class TestOutputLogger(ITestOutputHelper output) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"{logLevel}: {formatter(state, exception)}");
            }
            catch (InvalidOperationException)
            {
                // Logged after the test finished.
            }
        }
    }
}
