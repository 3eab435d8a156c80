using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Tollgate.Postgres;

/// <summary>Starts the server on a free loopback port, retrying the failures a second attempt can fix.</summary>
internal static class ServerLauncher
{
    public static async Task<int> StartAsync(
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

    /// <summary>Stops what a failed start may have left running, without hiding the failure that got us here.</summary>
    public static async Task TryStopAsync(PgCtl pgCtl, ILogger logger, string dataDirectory)
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

    /// <summary>A port taken since we picked it, or a crashed server's last processes still exiting.</summary>
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
