using System.Globalization;

namespace Tollgate.LoadTest.Reporting;

/// <summary>The end-of-run text: a header, one table row per operation per phase, the phases' notes, the audit lines.</summary>
public static class SummaryWriter
{
    public static void Write(RunReport report, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        var s = report.Settings;
        var loop = s.Rate is { } rate ? $"open loop at {rate.ToString("N0", inv)} req/s, at most {s.Concurrency} in flight" : $"closed loop, concurrency {s.Concurrency}";
        output.WriteLine();
        output.WriteLine($"Tollgate load test: scenario {report.Scenario}, run {report.RunId}, {report.Targets.Count} target(s), {loop}");
        output.WriteLine(string.Create(inv, $"seeded in {report.SeedSeconds:0.0} s; {string.Join(", ", report.Targets)}"));
        output.WriteLine();
        var withSilos = report.Phases.Any(p => p.ActiveSilos.Count > 0);
        output.WriteLine(string.Create(inv,
            $"{"Phase",-20} {"Operation",-12} {"Seconds",8} {"Requests",11} {"Req/s",10} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"max ms",9} {(withSilos ? "Silos" : ""),5}  Errors"));
        foreach (var phase in report.Phases)
        {
            var name = phase.Measured ? phase.Name : $"({phase.Name})";
            var silos = phase.ActiveSilos.Count == 0 ? "" : phase.ActiveSilos.Count == 1 ? $"{phase.ActiveSilos[0]}" : $"{phase.ActiveSilos[0]}–{phase.ActiveSilos[^1]}";
            foreach (var o in phase.Operations)
            {
                // A rate over the drain (requests finishing after the load stopped) means nothing.
                var perSecond = phase.Name == Metrics.PhaseStats.Drain ? "–" : o.RequestsPerSecond.ToString("N1", inv);
                var errors = o.Errors.Count == 0 ? "–" : string.Join(' ', o.Errors.Select(e => string.Create(inv, $"{e.Key}×{e.Value:N0}")));
                output.WriteLine(string.Create(inv,
                    $"{name,-20} {o.Name,-12} {phase.Seconds,8:0.0} {o.Requests,11:N0} {perSecond,10} {o.P50Ms,8:0.00} {o.P90Ms,8:0.00} {o.P99Ms,8:0.00} {o.MaxMs,9:0.00} {silos,5}  {errors}"));
                name = "";
            }

            if (phase.Operations.Count == 0)
            {
                output.WriteLine(string.Create(inv, $"{name,-20} {"(none)",-12} {phase.Seconds,8:0.0} {0,11} {0,10:N1} {"",8} {"",8} {"",8} {"",9} {silos,5}"));
            }
        }

        foreach (var phase in report.Phases.Where(p => p.Note is not null))
        {
            output.WriteLine($"  {phase.Name}: {phase.Note}");
        }

        var measured = report.Phases.Where(p => p.Measured).ToArray();
        if (measured.Length > 0)
        {
            var seconds = measured.Sum(p => p.Seconds);
            var cores = measured.Sum(p => p.ToolCores * p.Seconds) / Math.Max(seconds, 1e-3);
            var perRequest = measured.Sum(p => p.ToolCpuMicrosecondsPerRequest * p.Requests) / Math.Max(1, measured.Sum(p => p.Requests));
            output.WriteLine(string.Create(inv,
                $"  the load tester itself: {cores:0.00} cores busy, {perRequest:N0} µs CPU per request (on {Environment.ProcessorCount} cores; if it nears all of them, it is the bottleneck)"));
        }

        if (report.Audit is { } audit)
        {
            output.WriteLine();
            output.WriteLine("Audit");
            foreach (var check in audit.Checks)
            {
                output.WriteLine($"  {(check.Passed ? "PASS" : "FAIL")} {check.Name,-12} {check.Detail}");
            }

            foreach (var example in audit.Sessions?.Examples ?? [])
            {
                output.WriteLine($"       e.g. {example}");
            }

            if (audit.LateStarts is > 0 and var late)
            {
                output.WriteLine(string.Create(inv, $"  note: {late:N0} requests started more than 10 ms after their slot: the open loop fell behind; raise --concurrency"));
            }
        }

        if (report.Error is { } error)
        {
            output.WriteLine();
            output.WriteLine($"The run could not go as asked: {error}");
        }

        output.WriteLine();
        output.WriteLine(report.ExitCode switch
        {
            LoadTestCommand.Passed => "Audit passed.",
            LoadTestCommand.AuditFailed => "AUDIT FAILED.",
            _ => $"Run incomplete (exit code {report.ExitCode}).",
        });
    }
}
