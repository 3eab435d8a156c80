using System.Diagnostics;
using Npgsql;
using Tollgate.LoadTest.Audit;
using Tollgate.LoadTest.Elastic;
using Tollgate.LoadTest.Http;
using Tollgate.LoadTest.Load;
using Tollgate.LoadTest.Metrics;
using Tollgate.LoadTest.Options;
using Tollgate.LoadTest.Reporting;
using Tollgate.LoadTest.Seeding;

namespace Tollgate.LoadTest.Scenarios;

/// <summary>
/// One run: preflight (targets ready, database reachable), seeding, the load in phases with a progress line each
/// second, the drain (unfinished consumes retry for up to <c>--drain</c>), then the audit and the report.
/// Before the load a problem is a <see cref="SetupException"/>; during it, the load stops and the run is still audited.
/// </summary>
public static class LoadTestRunner
{
    public static async Task<LoadTestRun> RunAsync(LoadTestOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var notices = new Notices(log);
        using var http = new LoadHttp(options.Targets, options.Concurrency, options.Timeout);
        await Preflight.CheckTargetsAsync(http, cancellationToken);
        await using var database = NpgsqlDataSource.Create(options.Database!);
        await Preflight.CheckDatabaseAsync(database, cancellationToken);
        var members = options.Scenario == Scenario.Elastic ? await ClusterMembers.FindAsync(database, options.ClusterId, cancellationToken) : null;
        var siloDll = members is null ? null : SiloAssembly.Find(options.SiloDll);
        var initialSilos = members is null ? 0 : await members.ActiveAsync(cancellationToken);
        if (members is not null)
        {
            notices.Log($"cluster '{members.ClusterId}': {initialSilos} active silo(s); the elastic scenario adds {options.AddSilos} from {siloDll}");
        }

        var seedClock = Stopwatch.StartNew();
        var world = await SeedAsync(options, new ApiClient(http, notices.RateLimited), notices, cancellationToken);
        var seedSeconds = seedClock.Elapsed.TotalSeconds;

        var recorder = new Recorder();
        var load = new ScenarioLoad(options, world, http, recorder);
        var driver = new LoadDriver(options.Concurrency, options.Rate is { } rate ? new Pacer(rate) : null);
        await using var launcher = members is null ? null
            : new SiloLauncher(options, siloDll!, members.ClusterId, options.SiloLogs ?? Path.Combine(Path.GetTempPath(), $"tollgate-loadtest-{world.RunId}"));
        var elastic = members is null ? null : new ElasticPlan(members, launcher!, recorder, initialSilos, options.AddSilos, options.PhaseLength, notices.Log);
        var progress = new ProgressReporter(recorder, log, elastic is null ? null : () => $"silos {elastic.ActiveSilos}");

        using var stopIssuing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var abandon = new CancellationTokenSource();
        using var stopProgress = new CancellationTokenSource();
        var progressTask = progress.RunAsync(stopProgress.Token);
        notices.Log($"load: {options.Scenario.ToString().ToLowerInvariant()} on {options.Targets.Count} target(s), " +
            (options.Rate is { } r ? $"{r} req/s open loop, at most {options.Concurrency} in flight" : $"concurrency {options.Concurrency}"));
        string? error = null;
        Task running;
        if (options.Warmup > TimeSpan.Zero)
        {
            recorder.BeginPhase(PhaseStats.WarmUp, measured: false);
            running = load.RunAsync(driver, stopIssuing.Token, abandon.Token);
            await PhasesAsync(() => Task.Delay(options.Warmup, cancellationToken), notices, cancellationToken);
            if (!cancellationToken.IsCancellationRequested)
            {
                error = await PhasesAsync(() => Plan(options, recorder, elastic, cancellationToken), notices, cancellationToken);
            }
        }
        else
        {
            var plan = Plan(options, recorder, elastic, cancellationToken); // begins its first phase before the loops start
            running = load.RunAsync(driver, stopIssuing.Token, abandon.Token);
            error = await PhasesAsync(() => plan, notices, cancellationToken);
        }

        recorder.BeginPhase(PhaseStats.Drain, measured: false);
        await stopIssuing.CancelAsync();
        abandon.CancelAfter(options.Drain);
        await running;
        recorder.EndPhase();
        await stopProgress.CancelAsync();
        await progressTask;

        notices.Log("auditing …");
        var consume = load.Ledger is null ? null : await ConsumeAudit.CheckAsync(database, world, load.Ledger, CancellationToken.None);
        var webhooks = load.Webhooks is null ? null : await WebhookAudit.CheckAsync(database, load.Webhooks.Deliveries, load.Webhooks.Acknowledged, CancellationToken.None);
        var phases = PhaseReports.From(recorder.Phases);
        var audit = AuditChecks.Build(consume, load.SessionAudit?.Result(), webhooks, phases, driver.Pacer?.Late);
        var exitCode = !audit.Passed ? LoadTestCommand.AuditFailed : error is not null ? LoadTestCommand.CannotRun : LoadTestCommand.Passed;
        var report = new RunReport(options.Scenario.ToString().ToLowerInvariant(), world.RunId, startedAt, [.. options.Targets.Select(t => t.ToString())],
            Settings(options, members), Math.Round(seedSeconds, 2), phases, audit, exitCode, error);
        return new LoadTestRun(report, world, load.Ledger);
    }

    private static async Task<World> SeedAsync(LoadTestOptions options, ApiClient api, Notices notices, CancellationToken cancellationToken)
    {
        try
        {
            return await new Seeder(options, api, notices.Log).SeedAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new SetupException($"the targets do not answer as Tollgate API hosts ({exception.Message})");
        }
    }

    /// <summary>The phases after the warm-up: the elastic moves, or one steady phase of <c>--duration</c>.</summary>
    private static Task Plan(LoadTestOptions options, Recorder recorder, ElasticPlan? elastic, CancellationToken cancellationToken)
    {
        if (elastic is not null)
        {
            return elastic.RunAsync(cancellationToken);
        }

        recorder.BeginPhase("steady");
        return Task.Delay(options.Duration, cancellationToken);
    }

    /// <summary>Awaits the phases; returns why they ended early, if they did (Ctrl-C is not an error: the run is audited as it stands).</summary>
    private static async Task<string?> PhasesAsync(Func<Task> phases, Notices notices, CancellationToken cancellationToken)
    {
        try
        {
            await phases();
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            notices.Log("interrupted: stopping the load, then auditing what was sent");
            return null;
        }
        catch (SetupException exception)
        {
            notices.Log($"error: {exception.Message}; stopping the load, then auditing what was sent");
            return exception.Message;
        }
    }

    private static RunSettings Settings(LoadTestOptions options, ClusterMembers? members) => new(
        options.Duration.TotalSeconds, options.Warmup.TotalSeconds, options.Concurrency, options.Rate, options.Users, options.Agents, options.HotShare,
        options.SessionUsers, members is null ? null : options.PhaseLength.TotalSeconds, members is null ? null : options.AddSilos, members?.ClusterId);
}
