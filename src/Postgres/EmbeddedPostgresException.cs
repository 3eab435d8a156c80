namespace Tollgate.Postgres;

/// <summary>
/// The private PostgreSQL server could not be found, initialised, started or stopped; the message says why and what to do.
/// </summary>
public sealed class EmbeddedPostgresException(string message, Exception? inner = null) : Exception(message, inner);
