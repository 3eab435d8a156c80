namespace Tollgate.Cluster.Benchmarks.Report;

/// <summary>A target from the issue, what was measured against it, and whether it is met.</summary>
public sealed record TargetCheck(string Target, string Measured, bool Met);
