using System.Globalization;
using System.Text;

namespace Tollgate.Postgres;

/// <summary>The initdb and pg_ctl commands for one data folder, run as the server account.</summary>
internal sealed class PgCtl(PostgresBinaries binaries, ServerAccount account, string dataDirectory)
{
    private const int StatusRunning = 0;

    /// <summary>Inside the data folder because the server account can always write there.</summary>
    public string LogFile { get; } = Path.Combine(dataDirectory, "server.log");

    public Task InitDbAsync(string passwordFile, CancellationToken cancellationToken) =>
        account.RunAsync(
            binaries.InitDb,
            [
                "-D", dataDirectory,
                "-U", "postgres",
                "-E", "UTF8",
                // The host's locale must not decide collation or whether initdb succeeds at all.
                "--locale=C",
                "--auth-host=scram-sha-256",
                "--auth-local=scram-sha-256",
                "--pwfile=" + passwordFile,
            ],
            cancellationToken);

    /// <summary>Starts the server and waits for it; returns the outcome rather than throwing so the caller can retry.</summary>
    public Task<ProcessResult> StartAsync(
        int port, IEnumerable<KeyValuePair<string, string>> settings, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // pg_ctl hands -o to /bin/sh, so every value is single-quoted for the shell.
        var options = new StringBuilder()
            .Append("-c listen_addresses=127.0.0.1")
            .Append(CultureInfo.InvariantCulture, $" -c port={port}")
            // No Unix socket: nothing here uses it, and its default folder may not exist or be writable.
            .Append(" -c unix_socket_directories=''");
        foreach (var (key, value) in settings)
        {
            options.Append(" -c ").Append(ShellQuote(key + "=" + value));
        }

        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        return account.RunAsync(
            binaries.PgCtl,
            [
                "start", "-D", dataDirectory, "-l", LogFile, "-w",
                "-t", seconds.ToString(CultureInfo.InvariantCulture),
                "-o", options.ToString(),
            ],
            cancellationToken,
            throwOnError: false);
    }

    /// <summary>Stops the server; a server that is already down is not an error.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var result = await account
            .RunAsync(binaries.PgCtl, ["stop", "-D", dataDirectory, "-m", "fast", "-w"], cancellationToken, throwOnError: false)
            .ConfigureAwait(false);
        if (result.Succeeded || !await IsRunningAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        throw new EmbeddedPostgresException(
            $"Could not stop the PostgreSQL server in {dataDirectory}: `{result.CommandLine}` failed with exit code " +
            $"{result.ExitCode}: {result.Diagnostics}");
    }

    public async Task<bool> IsRunningAsync(CancellationToken cancellationToken)
    {
        var result = await account
            .RunAsync(binaries.PgCtl, ["status", "-D", dataDirectory], cancellationToken, throwOnError: false)
            .ConfigureAwait(false);
        return result.ExitCode == StatusRunning;
    }

    public long LogLength()
    {
        var info = new FileInfo(LogFile);
        return info.Exists ? info.Length : 0;
    }

    /// <summary>The last lines the server logged since <paramref name="offset"/>, for error messages.</summary>
    public string LogTail(long offset, int lines = 20)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return all.Length == 0 ? $"({LogFile} is empty)" : string.Join('\n', all.TakeLast(lines));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"(could not read {LogFile}: {ex.Message})";
        }
    }

    private static string ShellQuote(string value) =>
        "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
