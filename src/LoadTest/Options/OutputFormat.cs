namespace Tollgate.LoadTest.Options;

/// <summary>What goes to standard output at the end (<c>--output</c>).</summary>
public enum OutputFormat
{
    /// <summary>The summary table and audit lines.</summary>
    Table,

    /// <summary>The JSON report only (the table then goes to standard error).</summary>
    Json,
}
