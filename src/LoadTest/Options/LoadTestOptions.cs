namespace Tollgate.LoadTest.Options;

/// <summary>
/// One run's settings. The defaults fit the cluster of <c>scripts/local-cluster.sh</c> (API hosts on 5081-5082,
/// the bootstrap admin and webhook secret it configures); <see cref="OptionsParser"/> fills and validates them.
/// </summary>
public sealed record LoadTestOptions
{
    public const string DefaultAdminEmail = "loadtest-admin@example.com";
    public const string DefaultAdminPassword = "loadtest-admin-password";
    public const string DefaultWebhookSecret = "whsec_tollgate_local";

    public IReadOnlyList<Uri> Targets { get; init; } = [new("http://127.0.0.1:5081"), new("http://127.0.0.1:5082")];

    public Scenario Scenario { get; init; } = Scenario.Consume;

    /// <summary>The measured load; for elastic, split in three steady phases unless <see cref="Phase"/> is set.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Load before the measured phases: reported apart, audited with the rest.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.Zero;

    /// <summary>Requests in flight at most (closed loop: exactly, each loop sends its next request when the last one ended).</summary>
    public int Concurrency { get; init; } = 32;

    /// <summary>Open loop: requests started per second over all loops, whatever the latency; null: closed loop.</summary>
    public double? Rate { get; init; }

    /// <summary>PostgreSQL of the cluster, for the audit and for the silos the elastic scenario starts.</summary>
    public string? Database { get; init; }

    public string AdminEmail { get; init; } = DefaultAdminEmail;

    public string AdminPassword { get; init; } = DefaultAdminPassword;

    /// <summary>One of the API hosts' <c>Stripe:WebhookSecrets</c>: subscriptions are activated by signed webhooks.</summary>
    public string WebhookSecret { get; init; } = DefaultWebhookSecret;

    /// <summary>Users with a subscription to every agent (consume, mixed, elastic).</summary>
    public int Users { get; init; } = 100;

    /// <summary>Agents, each published by its own organization, which consumes with its own quota:consume key.</summary>
    public int Agents { get; init; } = 4;

    /// <summary>Share of consumes that go to one hot subscription (0..1); the rest spread uniformly.</summary>
    public double HotShare { get; init; } = 0.1;

    /// <summary>Signed-in users whose sessions are read (sessions, mixed); each sign-up costs a password hash.</summary>
    public int SessionUsers { get; init; } = 20;

    /// <summary>Per-request timeout; a timed-out consume is retried with its idempotency key.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per consume whose outcome stays unknown (timeout, 5xx, connection error), all with the same key.</summary>
    public int MaxAttempts { get; init; } = 20;

    /// <summary>After the load stops: how long unfinished consumes may still retry before their outcome counts as unknown.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Mixed: admin operations per second (role changes checked on the next request, and revocations, alternately).</summary>
    public double AdminRate { get; init; } = 2;

    /// <summary>Mixed: signed Stripe events per burst (one duplicate delivery and one out-of-order event among them).</summary>
    public int WebhookBurst { get; init; } = 20;

    /// <summary>Mixed: time between webhook bursts.</summary>
    public TimeSpan WebhookInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Elastic: length of each steady phase; null: a third of <see cref="Duration"/>.</summary>
    public TimeSpan? Phase { get; init; }

    /// <summary>Elastic: silos started for the middle phase and stopped (SIGTERM) for the last.</summary>
    public int AddSilos { get; init; } = 2;

    /// <summary>Elastic: the built <c>Tollgate.Silo.dll</c>; null: found under <c>src/Silo/bin</c> of this checkout.</summary>
    public string? SiloDll { get; init; }

    /// <summary>Elastic: silo ports for the started silos; empty: free ports.</summary>
    public IReadOnlyList<int> SiloPorts { get; init; } = [];

    /// <summary>Elastic: extra environment of the started silos (<c>KEY=VALUE</c>), on top of this process's environment.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> SiloEnvironment { get; init; } = [];

    /// <summary>Elastic: the cluster id; null: the one cluster with active silos in the database.</summary>
    public string? ClusterId { get; init; }

    /// <summary>Elastic: where the started silos' output goes; null: a temporary folder.</summary>
    public string? SiloLogs { get; init; }

    public OutputFormat Output { get; init; } = OutputFormat.Table;

    /// <summary>Also write the JSON report to this file.</summary>
    public string? JsonFile { get; init; }

    /// <summary>Elastic: the steady phase length actually used.</summary>
    public TimeSpan PhaseLength => Phase ?? Duration / 3;
}
