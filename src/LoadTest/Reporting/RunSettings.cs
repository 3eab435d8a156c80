namespace Tollgate.LoadTest.Reporting;

/// <summary>The settings a run used, as reported.</summary>
public sealed record RunSettings(
    double DurationSeconds,
    double WarmupSeconds,
    int Concurrency,
    double? Rate,
    int Users,
    int Agents,
    double HotShare,
    int SessionUsers,
    double? PhaseSeconds,
    int? AddSilos,
    string? ClusterId);
