namespace Tollgate.LoadTest.Reporting;

/// <summary>
/// One phase of the run; <see cref="Measured"/> is false for the warm-up and the drain after the load.
/// <see cref="ToolCores"/> and <see cref="ToolCpuMicrosecondsPerRequest"/>: what the load tester itself used.
/// </summary>
public sealed record PhaseReport(
    string Name,
    bool Measured,
    double Seconds,
    long Requests,
    double RequestsPerSecond,
    IReadOnlyList<int> ActiveSilos,
    string? Note,
    double ToolCores,
    double ToolCpuMicrosecondsPerRequest,
    IReadOnlyList<OperationReport> Operations);
