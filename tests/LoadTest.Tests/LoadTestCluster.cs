using System.Globalization;
using System.Net;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.LoadTest.Tests;

/// <summary>
/// A real cluster for the load tester, shared by the tests of this assembly: a throwaway PostgreSQL, one silo process
/// and two cluster-mode API host processes, configured as <c>scripts/local-cluster.sh</c> configures its cluster for
/// load tests (bootstrap admin, webhook secret, sign-in limit raised), with cheap password hashing and a fast membership
/// refresh. Probes keep a long timeout: no test kills a silo, and on a crowded CI machine a joining silo's first ping
/// to its peers may take seconds.
/// </summary>
public sealed class LoadTestCluster : IAsyncLifetime
{
    public const string AdminEmail = "loadtest-admin@example.com";
    public const string WebhookSecret = "whsec_tollgate_loadtest_tests";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly PostgresFixture _postgres = new();
    private readonly List<HostProcess> _processes = [];

    public string ClusterId { get; } = "lt" + Guid.NewGuid().ToString("N")[..10];

    public PostgresFixture Postgres => _postgres;

    public IReadOnlyList<Uri> Targets { get; private set; } = [];

    /// <summary>Settings every silo of the cluster needs, the ones the elastic scenario starts included (as <c>--silo-env</c>).</summary>
    public static IReadOnlyDictionary<string, string> SiloSettings { get; } = new Dictionary<string, string>
    {
        ["Auth__BootstrapAdmins__0"] = AdminEmail,
        ["Auth__PasswordIterations"] = "10000",
        ["Cluster__ProbePeriod"] = "00:00:01",
        ["Cluster__ProbeTimeout"] = "00:00:05",
        ["Cluster__RefreshPeriod"] = "00:00:00.300",
        ["Cluster__IAmAlivePeriod"] = "00:00:00.500",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    /// <summary>The arguments every run needs to reach this cluster: targets, database, admin, webhook secret.</summary>
    public IReadOnlyList<string> ConnectionArguments =>
    [
        "--target", string.Join(',', Targets.Select(t => t.ToString().TrimEnd('/'))),
        "--database", _postgres.ConnectionString,
        "--admin-email", AdminEmail,
        "--webhook-secret", WebhookSecret,
    ];

    public string Output => string.Join("\n", _processes.Select(p => p.Output));

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        var silo = new Dictionary<string, string>(SiloSettings)
        {
            ["ConnectionStrings__Tollgate"] = _postgres.ConnectionString,
            ["Cluster__ClusterId"] = ClusterId,
            ["Silo__Port"] = HostProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Silo__HealthPort"] = HostProcess.FreePort().ToString(CultureInfo.InvariantCulture),
        };
        _processes.Add(HostProcess.Start("Silo", "Tollgate.Silo", [], silo));
        var targets = new List<Uri>();
        for (var i = 0; i < 2; i++)
        {
            targets.Add(StartApiHost(out var process));
            _processes.Add(process);
        }

        Targets = targets;
        foreach (var target in targets)
        {
            await WaitReadyAsync(target);
        }
    }

    /// <summary>One more API host of the cluster, ready, for a test to kill; the test disposes it.</summary>
    public async Task<(HostProcess Process, Uri Target)> StartExtraApiHostAsync()
    {
        var target = StartApiHost(out var process);
        try
        {
            await WaitReadyAsync(target, process);
            return (process, target);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }

        await _postgres.DisposeAsync();
    }

    private Uri StartApiHost(out HostProcess process)
    {
        process = ClusterApiHost.Start(_postgres.ConnectionString, ClusterId, out var url, new Dictionary<string, string>
        {
            ["Auth__SignInMaxRequests"] = "100000",
            ["Stripe__WebhookSecrets__0"] = WebhookSecret,
            ["Logging__LogLevel__Default"] = "Warning",
        });
        return new Uri(url);
    }

    private async Task WaitReadyAsync(Uri target, HostProcess? extra = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.TrueAsync(async () =>
        {
            if (_processes.Append(extra).FirstOrDefault(p => p is { HasExited: true }) is { } exited)
            {
                throw new InvalidOperationException($"A cluster process exited with {exited.ExitCode}:\n{exited.Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(target, "/readyz"));
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, Deadline, $"{target} is ready\n{Output}");
    }
}
