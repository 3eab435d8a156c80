using Tollgate.LoadTest.Audit;
using Tollgate.LoadTest.Http;
using Tollgate.LoadTest.Load;
using Tollgate.LoadTest.Metrics;
using Tollgate.LoadTest.Options;
using Tollgate.LoadTest.Seeding;
using Tollgate.LoadTest.Workloads;

namespace Tollgate.LoadTest.Scenarios;

/// <summary>
/// What a scenario runs: the operation of the load loops (consumes, session reads, or seven consumes in ten and three
/// reads in the mixed scenario), the background actors (mixed: the admin and Stripe), and what the audit reads after.
/// </summary>
public sealed class ScenarioLoad
{
    private const double MixedSessionShare = 0.3;
    private readonly ConsumeWorkload? _consume;
    private readonly SessionWorkload? _sessions;

    public ScenarioLoad(LoadTestOptions options, World world, LoadHttp http, Recorder recorder)
    {
        if (options.Scenario != Scenario.Sessions)
        {
            Ledger = new ConsumeLedger(world.RunId, options.Concurrency, world.SubscriptionCount);
            _consume = new ConsumeWorkload(world, http, recorder, Ledger, options.HotShare, options.MaxAttempts);
        }

        if (options.Scenario is Scenario.Sessions or Scenario.Mixed)
        {
            SessionAudit = new SessionAudit();
            var pool = new SessionPool(world.Sessions);
            _sessions = new SessionWorkload(pool, http, recorder, SessionAudit);
            if (options.Scenario == Scenario.Mixed)
            {
                var requests = new TimedRequests(http, recorder);
                Admin = new AdminActor(world, pool, requests, SessionAudit, options.AdminRate);
                Webhooks = new WebhookActor(world, requests, options.WebhookSecret, options.WebhookBurst, options.WebhookInterval);
            }
        }
    }

    public ConsumeLedger? Ledger { get; }

    public SessionAudit? SessionAudit { get; }

    public AdminActor? Admin { get; }

    public WebhookActor? Webhooks { get; }

    public ValueTask RunOnceAsync(LoopContext loop, long startTicks, CancellationToken abandon) =>
        _consume is null ? _sessions!.RunAsync(loop, startTicks, abandon)
        : _sessions is null || Random.Shared.NextDouble() >= MixedSessionShare ? _consume.RunAsync(loop, startTicks, abandon)
        : _sessions.RunAsync(loop, startTicks, abandon);

    /// <summary>Runs the loops and the actors until <paramref name="stopIssuing"/>, then lets unfinished consumes retry until <paramref name="abandon"/>.</summary>
    public Task RunAsync(LoadDriver driver, CancellationToken stopIssuing, CancellationToken abandon) =>
        Task.WhenAll(
            driver.RunAsync(RunOnceAsync, stopIssuing, abandon),
            Admin?.RunAsync(stopIssuing) ?? Task.CompletedTask,
            Webhooks?.RunAsync(stopIssuing) ?? Task.CompletedTask);
}
