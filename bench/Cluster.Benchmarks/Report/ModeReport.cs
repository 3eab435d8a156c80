using Tollgate.Cluster.Benchmarks.Load;

namespace Tollgate.Cluster.Benchmarks.Report;

/// <summary>Everything one mode measured.</summary>
public sealed record ModeReport(
    string Mode,
    IReadOnlyList<string> Notes,
    IReadOnlyList<LoadResult> Loads,
    IReadOnlyList<Comparison> Comparisons,
    IReadOnlyList<DetectionSeries> Detections,
    IReadOnlyList<TargetCheck> Targets);
