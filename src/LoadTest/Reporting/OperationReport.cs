namespace Tollgate.LoadTest.Reporting;

/// <summary>One operation in one phase: requests (every attempt, retries included), 200s, latency of the HTTP answers, errors by code.</summary>
public sealed record OperationReport(
    string Name,
    long Requests,
    long Ok,
    double RequestsPerSecond,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double MaxMs,
    IReadOnlyDictionary<string, long> Errors);
