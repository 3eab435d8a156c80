namespace Tollgate.Postgres;

/// <summary>
/// Settings for <see cref="EmbeddedPostgres"/>, the private PostgreSQL server used when no connection string is configured.
/// </summary>
public sealed class EmbeddedPostgresOptions
{
    /// <summary>Folder holding the cluster; relative paths resolve against the current directory.</summary>
    public string DataDirectory { get; set; } = ".data/pg";

    /// <summary>Folder holding initdb and pg_ctl; null to discover an installed server.</summary>
    public string? BinDirectory { get; set; }

    /// <summary>Database the connection string points at; created if missing.</summary>
    public string Database { get; set; } = "tollgate";

    /// <summary>Remove the data folder and its password file on dispose (for tests).</summary>
    public bool DeleteOnStop { get; set; }

    /// <summary>Extra server settings, each passed as <c>-c key=value</c>; port and listen_addresses are managed.</summary>
    public IDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <summary>How long the server may take to accept connections.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
