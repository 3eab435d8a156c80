namespace Tollgate.Http.Benchmarks.Load;

/// <summary>One load phase: the 200 answers that completed inside the recorded window, and the process's counters over it.</summary>
public sealed record PhaseResult(
    string Name,
    string Path,
    int Concurrency,
    double Seconds,
    long Ok,
    long Errors,
    string? FirstError,
    double RequestsPerSecond,
    double MeanUs,
    double P50Us,
    double P90Us,
    double P99Us,
    double MaxUs,
    double BodyBytes,
    double CpuUsPerRequest,
    double CoresBusy,
    double MachineCoresBusy,
    double AllocatedBytesPerRequest,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    double GcPauseMs,
    double ThreadPoolWorkItemsPerRequest,
    long LockContentions);
