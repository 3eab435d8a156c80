namespace Tollgate.Cluster.Benchmarks.Report;

/// <summary>The kills made with one set of failure-detection settings, and the median time to Dead.</summary>
public sealed record DetectionSeries(
    string Settings,
    string Description,
    IReadOnlyList<DetectionRun> Runs,
    double? MedianDeadSeconds,
    double? MinDeadSeconds,
    double? MaxDeadSeconds,
    double TotalSeconds);
