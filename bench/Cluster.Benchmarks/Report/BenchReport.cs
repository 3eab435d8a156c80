namespace Tollgate.Cluster.Benchmarks.Report;

/// <summary>The whole run, as written by <c>--json</c>: the machine, the settings and every mode's report.</summary>
public sealed record BenchReport(
    DateTime StartedUtc,
    string Runtime,
    string Os,
    int Cores,
    bool ServerGc,
    bool ConcurrentGc,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<ModeReport> Modes);
