namespace Tollgate.Cluster.Benchmarks.Load;

/// <summary>
/// What one <see cref="LoadSpec"/> run measured over its recorded window. Latencies are in microseconds, from the
/// moment the caller issued the call to the moment it resumed with the result. For paced runs the
/// <c>FromSchedule</c> latencies count from the due time of the call's slot instead, so the time a slot waited for
/// a free caller is charged too and a stall counts for every call it delayed (no coordinated omission); the
/// pacer publishes slots every ~0.1–0.2 ms, which bounds how late a slot is picked up on an idle system. Per-call process figures divide the process-wide difference by the calls completed;
/// <c>MachineCoresBusy</c> counts every process on the machine (from <c>/proc/stat</c>), so the difference to
/// <c>CpuCoresBusy</c> is what other processes used meanwhile.
/// </summary>
public sealed record LoadResult(
    string Name,
    int Callers,
    double? TargetCallsPerSecond,
    double Seconds,
    long Calls,
    long Errors,
    double CallsPerSecond,
    double MeanUs,
    double P50Us,
    double P90Us,
    double P99Us,
    double P999Us,
    double MaxUs,
    double? FromScheduleP50Us,
    double? FromScheduleP99Us,
    double CpuUsPerCall,
    double CpuCoresBusy,
    double MachineCoresBusy,
    double MachineCoresStolen,
    double AllocatedBytesPerCall,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    double GcPauseMs,
    double ThreadPoolWorkItemsPerCall,
    int ThreadPoolThreads,
    long LockContentions);
