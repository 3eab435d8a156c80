namespace Tollgate.Http.Benchmarks.Load;

/// <summary>
/// One load phase: the 200 answers that completed inside the recorded window, and the process's counters over it;
/// <paramref name="AllOk"/> is every 200 of the phase, warm-up and the tail after the window included;
/// <paramref name="PostgresCoresBusy"/> the PostgreSQL server's cores over the window, when its process was given.
/// </summary>
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
    long LockContentions,
    long AllOk,
    double PostgresCoresBusy);
