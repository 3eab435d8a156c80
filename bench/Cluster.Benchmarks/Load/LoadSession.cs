namespace Tollgate.Cluster.Benchmarks.Load;

/// <summary>The load runs of one mode: same warm-up, window and target count; logs each as it ends and keeps it.</summary>
public sealed class LoadSession(BenchOptions options, int targets, TextWriter log)
{
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
        _results.Add(result);
        return result;
    }
}
