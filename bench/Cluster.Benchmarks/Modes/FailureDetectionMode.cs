using System.Diagnostics;
using System.Globalization;
using Tollgate.Bench;
using Tollgate.Cluster.Benchmarks.Hosting;
using Tollgate.Cluster.Benchmarks.Report;
using Tollgate.Runtime.Membership;

namespace Tollgate.Cluster.Benchmarks.Modes;

/// <summary>
/// <c>failure-detection</c>: three cluster members on a throwaway PostgreSQL; one is killed (membership abandoned,
/// host stopped with a cancelled token, as <c>TestSilo.KillAsync</c> does) and a survivor re-reads the membership
/// table every <see cref="PollPeriod"/> until it shows the victim Dead. A fresh cluster per kill. First with the
/// test settings of <c>TestSilo.StartMemberAsync</c>, then with the production defaults of <see cref="ClusterOptions"/>.
/// </summary>
public static class FailureDetectionMode
{
    public static readonly TimeSpan TargetDetection = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private const int Members = 3;

    /// <summary>The failure-detection settings of <c>tests/Runtime.Tests/TestSilo.cs</c>.</summary>
    private static readonly Dictionary<string, string> TestSettings = new()
    {
        [nameof(ClusterOptions.ProbePeriod)] = "00:00:00.200",
        [nameof(ClusterOptions.ProbeTimeout)] = "00:00:00.300",
        [nameof(ClusterOptions.MissedProbesLimit)] = "3",
        [nameof(ClusterOptions.RefreshPeriod)] = "00:00:00.300",
        [nameof(ClusterOptions.IAmAlivePeriod)] = "00:00:00.500",
    };

    public static async Task<ModeReport> RunAsync(BenchOptions options, TextWriter log)
    {
        log.WriteLine("  starting PostgreSQL ...");
        await using var postgres = await BenchPostgres.StartAsync();
        var series = new List<DetectionSeries>
        {
            await RunSeriesAsync(postgres, "Test settings", TestSettings, options.Runs, null, log),
        };
        if (options.ProductionRuns > 0)
        {
            series.Add(await RunSeriesAsync(postgres, "Production defaults", [], options.ProductionRuns, options.ProductionBudget, log));
        }

        var test = series[0];
        var targets = new List<TargetCheck>
        {
            new($"Killed silo declared dead within {TargetDetection.TotalSeconds} s with test settings",
                $"median {Opt(test.MedianDeadSeconds)} s, max {Opt(test.MaxDeadSeconds)} s over {test.Runs.Count} kills",
                test.Runs.Count > 0 && test.Runs.All(r => r.DeadSeconds is { } d && d <= TargetDetection.TotalSeconds)),
        };
        var notes = new List<string>
        {
            $"{Members} members per kill, a fresh cluster id each time, one throwaway PostgreSQL (fsync off) for all; the last member started is killed.",
            $"Times are from just before AbandonAsync to the first poll (every {PollPeriod.TotalMilliseconds} ms, a fresh RefreshAsync on the first member) " +
            "that shows a vote against the victim and that shows it Dead.",
        };
        return new ModeReport("failure-detection", notes, [], [], series, targets);
    }

    private static async Task<DetectionSeries> RunSeriesAsync(
        BenchPostgres postgres, string name, Dictionary<string, string> settings, int runs, TimeSpan? budget, TextWriter log)
    {
        var defaults = new ClusterOptions();
        string Setting(string key, object fallback) => settings.GetValueOrDefault(key) ?? Convert.ToString(fallback, CultureInfo.InvariantCulture)!;
        var description =
            $"ProbePeriod {Setting(nameof(ClusterOptions.ProbePeriod), defaults.ProbePeriod)}, " +
            $"ProbeTimeout {Setting(nameof(ClusterOptions.ProbeTimeout), defaults.ProbeTimeout)}, " +
            $"MissedProbesLimit {Setting(nameof(ClusterOptions.MissedProbesLimit), defaults.MissedProbesLimit)}, " +
            $"VotesForDeath {Setting(nameof(ClusterOptions.VotesForDeath), defaults.VotesForDeath)}, " +
            $"RefreshPeriod {Setting(nameof(ClusterOptions.RefreshPeriod), defaults.RefreshPeriod)}, " +
            $"IAmAlivePeriod {Setting(nameof(ClusterOptions.IAmAlivePeriod), defaults.IAmAlivePeriod)}";
        log.WriteLine($"  {name}: {description}");
        var started = Stopwatch.GetTimestamp();
        var results = new List<DetectionRun>();
        for (var run = 1; run <= runs; run++)
        {
            if (budget is { } b && run > 1 && Stopwatch.GetElapsedTime(started) > b)
            {
                log.WriteLine($"    budget of {b.TotalSeconds} s spent after {run - 1} kills; stopping this series");
                break;
            }

            var result = await KillOnceAsync(postgres, settings, run);
            log.WriteLine(
                $"    kill {run}: dead after {(result.DeadSeconds is { } d ? ReportPrinter.S(d) + " s" : "— (deadline)")}, " +
                $"first vote {Opt(result.FirstVoteSeconds)} s, {result.Votes} votes");
            results.Add(result);
        }

        var dead = results.Where(r => r.DeadSeconds is not null).Select(r => r.DeadSeconds!.Value).Order().ToList();
        return new DetectionSeries(name, description, results, Median(dead), dead.Count > 0 ? dead[0] : null, dead.Count > 0 ? dead[^1] : null,
            Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static async Task<DetectionRun> KillOnceAsync(BenchPostgres postgres, Dictionary<string, string> settings, int run)
    {
        var clusterId = "fd" + Guid.NewGuid().ToString("N")[..10];
        var members = new List<BenchHost>();
        try
        {
            var starting = Stopwatch.GetTimestamp();
            for (var i = 0; i < Members; i++)
            {
                members.Add(await BenchHost.StartMemberAsync(postgres.ConnectionString, clusterId, settings));
            }

            await ClusterWait.AllActiveAsync(members, Deadline);
            var startSeconds = Stopwatch.GetElapsedTime(starting).TotalSeconds;
            var survivor = members[0];
            var victim = members[^1];
            var victimAddress = victim.Membership.Self!;

            var killedAt = Stopwatch.GetTimestamp();
            await victim.KillAsync();
            var killSeconds = Stopwatch.GetElapsedTime(killedAt).TotalSeconds;
            double? firstVote = null;
            while (Stopwatch.GetElapsedTime(killedAt) < Deadline)
            {
                var entry = (await survivor.Membership.RefreshAsync(CancellationToken.None)).Find(victimAddress);
                var now = Stopwatch.GetElapsedTime(killedAt).TotalSeconds;
                if (entry is { Suspicions.Count: > 0 })
                {
                    firstVote ??= now;
                }

                if (entry is { Status: SiloStatus.Dead })
                {
                    return new DetectionRun(run, startSeconds, killSeconds, firstVote, now, entry.Suspicions.Count);
                }

                await Task.Delay(PollPeriod);
            }

            return new DetectionRun(run, startSeconds, killSeconds, firstVote, null, 0);
        }
        finally
        {
            await Task.WhenAll(members.Select(m => m.DisposeAsync().AsTask()));
        }
    }

    private static double? Median(List<double> sorted) => sorted.Count == 0 ? null
        : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
        : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    private static string Opt(double? value) => value is { } v ? ReportPrinter.S(v) : "—";
}
