namespace Tollgate.Postgres;

/// <summary>
/// Where the database is (configuration section <c>Database</c>). With no connection string, a private
/// PostgreSQL server is initialised in <see cref="DataDirectory"/> from the installed binaries.
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Also read from <c>ConnectionStrings:Tollgate</c>, which wins when both are set.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The embedded server's data folder; relative to the current directory.</summary>
    public string DataDirectory { get; set; } = ".data/pg";

    /// <summary>The folder holding initdb and pg_ctl; discovered when unset.</summary>
    public string? PostgresBinDirectory { get; set; }

    /// <summary>The embedded server's database name.</summary>
    public string DatabaseName { get; set; } = "tollgate";

    /// <summary>Upper bound on pooled connections per process, unless the connection string sets its own.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1000)]
    public int MaxPoolSize { get; set; } = 50;

    /// <summary>
    /// Statements Npgsql prepares on each connection once they are used often (its <c>Max Auto Prepare</c>), unless
    /// the connection string sets its own: grain reads and writes are a few fixed statements run all the time, and a
    /// prepared one skips parsing and planning. Set 0 (or <c>Max Auto Prepare=0</c>) behind a pooler that cannot
    /// keep prepared statements (PgBouncer in transaction mode before 1.21).
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, 1000)]
    public int MaxAutoPrepare { get; set; } = 128;
}
