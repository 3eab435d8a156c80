using Tollgate.LoadTest.Metrics;

namespace Tollgate.LoadTest.Reporting;

/// <summary>The recorder's phases as reported; a drain with nothing left to finish is left out.</summary>
public static class PhaseReports
{
    public static IReadOnlyList<PhaseReport> From(IEnumerable<PhaseStats> phases) =>
        phases.Where(p => p.Name != PhaseStats.Drain || p.Used.Any()).Select(From).ToArray();

    private static PhaseReport From(PhaseStats phase)
    {
        var seconds = Math.Max(phase.Seconds, 1e-3);
        var operations = phase.Used.Select(x => new OperationReport(
            Name(x.Operation),
            x.Stats.Requests,
            x.Stats.Ok,
            Math.Round(x.Stats.Requests / seconds, 1),
            Math.Round(x.Stats.Latency.PercentileMilliseconds(0.50), 3),
            Math.Round(x.Stats.Latency.PercentileMilliseconds(0.90), 3),
            Math.Round(x.Stats.Latency.PercentileMilliseconds(0.99), 3),
            Math.Round(x.Stats.Latency.MaxMilliseconds, 3),
            x.Stats.Errors.ByCode().ToDictionary(e => e.Key, e => e.Value))).ToArray();
        var requests = operations.Sum(o => o.Requests);
        int[] silos;
        lock (phase.ActiveSilos)
        {
            silos = [.. phase.ActiveSilos];
        }

        var cpu = phase.ToolCpu.TotalMicroseconds;
        return new PhaseReport(phase.Name, phase.Measured, Math.Round(phase.Seconds, 3), requests, Math.Round(requests / seconds, 1), silos, phase.Note,
            Math.Round(cpu / 1e6 / seconds, 2), Math.Round(cpu / Math.Max(1, requests), 1), operations);
    }

    /// <summary>The name of an operation in reports: <c>get-session</c>, <c>set-role</c>…</summary>
    public static string Name(Operation operation) => operation switch
    {
        Operation.Consume => "consume",
        Operation.GetSession => "get-session",
        Operation.SetRole => "set-role",
        Operation.RoleCheck => "role-check",
        Operation.Revoke => "revoke",
        Operation.SignIn => "sign-in",
        _ => "webhook",
    };
}
