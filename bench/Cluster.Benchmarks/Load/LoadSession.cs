namespace Tollgate.Cluster.Benchmarks.Load;

/// <summary>The load runs of one mode: same warm-up, window and target count; logs each as it ends and keeps it.</summary>
public sealed class LoadSession(BenchOptions options, int targets, TextWriter log)
{
    /// <summary>Cores used by other processes above which a run is flagged as disturbed.</summary>
    public const double OtherLoadWarning = 0.2;

    private readonly List<LoadResult> _results = [];

    public IReadOnlyList<LoadResult> Results => _results;

    /// <summary>Runs <paramref name="callers"/> callers closed-loop, or paced at <paramref name="rate"/> calls/s in total.</summary>
    public async Task<LoadResult> MeasureAsync(string name, int callers, double? rate, Func<int, int, Task> call)
    {
        log.WriteLine($"  {name}: {callers} callers, {(rate is { } r ? Report.ReportPrinter.N(r) + " calls/s" : "max rate")} ...");
        var result = await LoadRunner.RunAsync(new LoadSpec(name, callers, targets, options.Warmup, options.Duration, rate), call);
        log.WriteLine(
            $"    {Report.ReportPrinter.N(result.CallsPerSecond)} calls/s, p50 {Report.ReportPrinter.F(result.P50Us)} µs, " +
            $"p99 {Report.ReportPrinter.F(result.P99Us)} µs, {result.Errors} errors");
        var others = result.MachineCoresBusy - result.CpuCoresBusy;
        if (others > OtherLoadWarning || result.MachineCoresStolen > OtherLoadWarning)
        {
            log.WriteLine(
                $"    WARNING: other processes kept {others:0.00} cores busy (and {result.MachineCoresStolen:0.00} were stolen) during this run; " +
                "its figures are not those of a quiet machine");
        }

        _results.Add(result);
        return result;
    }
}
