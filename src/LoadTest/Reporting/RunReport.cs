namespace Tollgate.LoadTest.Reporting;

/// <summary>
/// Everything a run reports, as written by <c>--json FILE</c> or <c>--output json</c>: the settings, each phase's
/// numbers per operation, the audit, and the exit code (0 passed, 1 audit failed, 2 could not run as asked).
/// </summary>
public sealed record RunReport(
    string Scenario,
    string RunId,
    DateTimeOffset StartedAt,
    IReadOnlyList<string> Targets,
    RunSettings Settings,
    double SeedSeconds,
    IReadOnlyList<PhaseReport> Phases,
    AuditReport? Audit,
    int ExitCode,
    string? Error);
