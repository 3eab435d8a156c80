using Microsoft.Extensions.Logging;

namespace Tollgate.Postgres;

/// <summary>The embedded server's log messages, generated so that disabled levels cost nothing.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Initialising PostgreSQL {Version} data folder {DataDirectory} with the programs in {BinDirectory}")]
    public static partial void Initialising(ILogger logger, string version, string dataDirectory, string binDirectory);

    [LoggerMessage(2, LogLevel.Information, "Reusing PostgreSQL data folder {DataDirectory} with PostgreSQL {Version} from {BinDirectory}")]
    public static partial void Reusing(ILogger logger, string dataDirectory, string version, string binDirectory);

    [LoggerMessage(3, LogLevel.Warning, "A PostgreSQL server left running in {DataDirectory} by a process that has ended; stopping it to start afresh")]
    public static partial void StoppingOrphan(ILogger logger, string dataDirectory);

    [LoggerMessage(4, LogLevel.Information, "Starting PostgreSQL on 127.0.0.1:{Port} from {DataDirectory}")]
    public static partial void Starting(ILogger logger, int port, string dataDirectory);

    [LoggerMessage(5, LogLevel.Warning, "PostgreSQL could not start on port {Port} ({Reason}); retrying on another port")]
    public static partial void RetryingStart(ILogger logger, int port, string reason);

    [LoggerMessage(6, LogLevel.Information, "PostgreSQL ready on 127.0.0.1:{Port}, database {Database}")]
    public static partial void Ready(ILogger logger, int port, string database);

    [LoggerMessage(7, LogLevel.Information, "Stopping PostgreSQL on 127.0.0.1:{Port} ({DataDirectory})")]
    public static partial void Stopping(ILogger logger, int port, string dataDirectory);

    [LoggerMessage(8, LogLevel.Information, "Deleted PostgreSQL data folder {DataDirectory}")]
    public static partial void Deleted(ILogger logger, string dataDirectory);

    [LoggerMessage(9, LogLevel.Warning, "Could not stop the PostgreSQL server in {DataDirectory} after a failed start")]
    public static partial void CleanupFailed(ILogger logger, Exception exception, string dataDirectory);

    [LoggerMessage(10, LogLevel.Information, "Created database {Database}")]
    public static partial void CreatedDatabase(ILogger logger, string database);

    [LoggerMessage(11, LogLevel.Warning, "Removing {PidFile}: the server it names has exited")]
    public static partial void RemovingStalePidFile(ILogger logger, string pidFile);

    [LoggerMessage(12, LogLevel.Warning, "The last initialisation of {DataDirectory} did not finish; emptying the folder and starting over")]
    public static partial void RestartingInterruptedInit(ILogger logger, string dataDirectory);
}
