using System.Diagnostics;
using Tollgate.LoadTest.Metrics;

namespace Tollgate.LoadTest.Elastic;

/// <summary>
/// The elastic scenario's phases under a steady consume load: N silos (the running cluster) → N+k joining → N+k →
/// k leaving (SIGTERM) → N. Steady phases last <c>--phase</c>; the two moves last as long as they take, until the
/// membership table shows the new count. Meanwhile the active silos are sampled once a second for the report.
/// </summary>
public sealed class ElasticPlan(ClusterMembers members, SiloLauncher launcher, Recorder recorder, int initial, int add, TimeSpan phase, Action<string> log)
{
    private static readonly TimeSpan MoveDeadline = TimeSpan.FromSeconds(120);
    private int _activeSilos;

    /// <summary>The last sampled count of active silos.</summary>
    public int ActiveSilos => Volatile.Read(ref _activeSilos);

    /// <summary>Runs the phases; the first begins before this returns its task, so loops started next are counted in it.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var before = initial;
        var after = before + add;
        Sample(recorder.BeginPhase(Silos(before)), before);
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = SampleAsync(sampling.Token);
        try
        {
            await Task.Delay(phase, cancellationToken);

            var joining = recorder.BeginPhase($"{before} → {after} joining");
            Sample(joining, before);
            var clock = Stopwatch.StartNew();
            var started = Enumerable.Range(0, add).Select(_ => launcher.Start()).ToArray();
            log($"started {add} silos on ports {string.Join(", ", started.Select(s => s.Port))} (logs in {launcher.LogDirectory})");
            await Task.WhenAll(started.Select(s => SiloLauncher.WaitReadyAsync(s, MoveDeadline, cancellationToken)));
            await UntilActiveAsync(after, cancellationToken);
            joining.Note = $"{add} silos started, ready and active in {clock.Elapsed.TotalSeconds:0.0} s";
            log(joining.Note);

            Sample(recorder.BeginPhase(Silos(after)), after);
            await Task.Delay(phase, cancellationToken);

            var leaving = recorder.BeginPhase($"{after} → {before} leaving");
            Sample(leaving, after);
            clock.Restart();
            var graceful = await Task.WhenAll(started.Select(s => s.StopAsync(MoveDeadline)));
            await UntilActiveAsync(before, cancellationToken);
            leaving.Note = $"{add} silos stopped by SIGTERM in {clock.Elapsed.TotalSeconds:0.0} s (exit codes {string.Join(", ", started.Select(s => s.ExitCode))}"
                + (graceful.All(g => g) ? ")" : $"; {graceful.Count(g => !g)} had to be killed)");
            log(leaving.Note);

            Sample(recorder.BeginPhase(Silos(before)), before);
            await Task.Delay(phase, cancellationToken);
        }
        finally
        {
            await sampling.CancelAsync();
            await sampler;
        }
    }

    private static string Silos(int count) => count == 1 ? "1 silo" : $"{count} silos";

    private async Task UntilActiveAsync(int count, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + MoveDeadline;
        while (await members.ActiveAsync(cancellationToken) != count)
        {
            if (DateTime.UtcNow > until)
            {
                throw new Http.SetupException($"elastic: the membership table did not show {count} active silos within {MoveDeadline.TotalSeconds:0} s");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            do
            {
                if (recorder.Current is { } current)
                {
                    try
                    {
                        // Only a count read wholly inside one phase belongs to it.
                        var active = await members.ActiveAsync(cancellationToken);
                        if (recorder.Current == current)
                        {
                            Sample(current, active);
                        }
                    }
                    catch (Npgsql.NpgsqlException)
                    {
                        // a missed sample; the next one comes in a second
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // the plan ended
        }
    }

    private void Sample(PhaseStats phase, int active)
    {
        Volatile.Write(ref _activeSilos, active);
        lock (phase.ActiveSilos)
        {
            phase.ActiveSilos.Add(active);
        }
    }
}
