using System.Diagnostics;
using System.Globalization;

namespace Tollgate.LoadTest.Metrics;

/// <summary>
/// Once a second, one line on standard error: run time, phase, requests per second, p50 and p99 over that second
/// (all operations together), errors by code over that second, and, when given, a gauge (active silos).
/// </summary>
public sealed class ProgressReporter(Recorder recorder, TextWriter output, Func<string?>? gauge = null)
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _total;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        recorder.SwapInterval();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Report();
            }
        }
        catch (OperationCanceledException)
        {
            // the run ended
        }
    }

    private void Report()
    {
        var interval = recorder.SwapInterval();
        var seconds = Stopwatch.GetElapsedTime(interval.StartTicks).TotalSeconds;
        var stats = interval.Stats;
        _total += stats.Requests;
        var inv = CultureInfo.InvariantCulture;
        var line = string.Create(inv,
            $"[{Stopwatch.GetElapsedTime(_start).TotalSeconds,4:0}s] {recorder.Current?.Name ?? "",-18} {stats.Requests / seconds,8:N0} req/s  " +
            $"p50 {stats.Latency.PercentileMilliseconds(0.5),7:0.00} ms  p99 {stats.Latency.PercentileMilliseconds(0.99),7:0.00} ms  " +
            $"total {_total,10:N0}  errors {stats.Errors.Describe()}");
        if (gauge?.Invoke() is { } extra)
        {
            line += "  " + extra;
        }

        output.WriteLine(line);
    }
}
