using System.Globalization;

namespace Tollgate.Cluster.Benchmarks.Report;

/// <summary>Writes a <see cref="ModeReport"/> as Markdown tables, readable in a terminal and pasteable into RESULTS.md.</summary>
public static class ReportPrinter
{
    public static void Print(ModeReport report, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"## {report.Mode}");
        foreach (var note in report.Notes)
        {
            output.WriteLine($"- {note}");
        }

        if (report.Loads.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("| Run | Callers | Target/s | Calls/s | Errors | Mean µs | p50 µs | p90 µs | p99 µs | p99.9 µs | Max µs | p50/p99 from schedule µs |");
            output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var l in report.Loads)
            {
                var schedule = l.FromScheduleP50Us is { } p50 ? $"{F(p50)} / {F(l.FromScheduleP99Us!.Value)}" : "";
                output.WriteLine(
                    $"| {l.Name} | {l.Callers} | {(l.TargetCallsPerSecond is { } t ? N(t) : "max")} | {N(l.CallsPerSecond)} | {l.Errors} | " +
                    $"{F(l.MeanUs)} | {F(l.P50Us)} | {F(l.P90Us)} | {F(l.P99Us)} | {F(l.P999Us)} | {F(l.MaxUs)} | {schedule} |");
            }

            output.WriteLine();
            output.WriteLine("| Run | CPU µs/call | Cores busy (this process / machine / stolen) | Alloc B/call | GC gen0/1/2 | GC pause ms | Pool work items/call | Pool threads | Lock contentions |");
            output.WriteLine("|---|---:|---:|---:|---|---:|---:|---:|---:|");
            foreach (var l in report.Loads)
            {
                output.WriteLine(
                    $"| {l.Name} | {F(l.CpuUsPerCall)} | {C(l.CpuCoresBusy)} / {C(l.MachineCoresBusy)} / {C(l.MachineCoresStolen)} | {N(l.AllocatedBytesPerCall)} | " +
                    $"{l.Gen0Collections}/{l.Gen1Collections}/{l.Gen2Collections} | {F(l.GcPauseMs)} | " +
                    $"{l.ThreadPoolWorkItemsPerCall.ToString("0.00", CultureInfo.InvariantCulture)} | {l.ThreadPoolThreads} | {l.LockContentions} |");
            }
        }

        if (report.Comparisons.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("| Figure | Value | Baseline | Baseline value | Ratio |");
            output.WriteLine("|---|---:|---|---:|---:|");
            foreach (var c in report.Comparisons)
            {
                output.WriteLine($"| {c.Figure} | {F(c.Value)} {c.Unit} | {c.Baseline} | {F(c.BaselineValue)} {c.Unit} | {c.Ratio.ToString("0.00", CultureInfo.InvariantCulture)} |");
            }
        }

        foreach (var series in report.Detections)
        {
            output.WriteLine();
            output.WriteLine($"{series.Settings}: {series.Description}");
            output.WriteLine();
            output.WriteLine("| Run | Start + all Active s | Kill s | First vote seen s | Dead seen s | Votes |");
            output.WriteLine("|---:|---:|---:|---:|---:|---:|");
            foreach (var run in series.Runs)
            {
                output.WriteLine(
                    $"| {run.Run} | {S(run.StartSeconds)} | {S(run.KillSeconds)} | {(run.FirstVoteSeconds is { } v ? S(v) : "—")} | " +
                    $"{(run.DeadSeconds is { } d ? S(d) : "not within the deadline")} | {run.Votes} |");
            }

            output.WriteLine(
                $"| median | | | | {(series.MedianDeadSeconds is { } m ? S(m) : "—")} (min {Opt(series.MinDeadSeconds)}, max {Opt(series.MaxDeadSeconds)}) | |");
            output.WriteLine();
            output.WriteLine($"Series took {S(series.TotalSeconds)} s.");
        }

        if (report.Targets.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("| Target | Measured | Met |");
            output.WriteLine("|---|---|---|");
            foreach (var t in report.Targets)
            {
                output.WriteLine($"| {t.Target} | {t.Measured} | {(t.Met ? "yes" : "NO")} |");
            }
        }
    }

    /// <summary>A count or rate with thousands separators.</summary>
    public static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A latency or small figure with one decimal.</summary>
    public static string F(double value) => value.ToString("#,0.0", CultureInfo.InvariantCulture);

    /// <summary>Seconds with three decimals.</summary>
    public static string S(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    private static string C(double cores) => cores.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Opt(double? value) => value is { } v ? S(v) : "—";
}
