namespace Tollgate.Cluster.Benchmarks.Report;

/// <summary>
/// One kill: seconds from the start of the kill until a survivor's fresh read of the membership table first shows
/// a vote against the victim and shows it Dead (null when not seen before the deadline), how long the kill itself
/// took, how long the three members took to start and see each other Active, and the votes on the Dead row.
/// </summary>
public sealed record DetectionRun(int Run, double StartSeconds, double KillSeconds, double? FirstVoteSeconds, double? DeadSeconds, int Votes);
