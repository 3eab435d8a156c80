using System.Net;
using Tollgate.Grains.Identity;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.ApiHost.Tests.Operations;

/// <summary>
/// In a cluster, grain calls and activations happen in the silos: a silo process serves them at <c>/metrics</c> on
/// its health port, and both it and the cluster-mode API host show the membership as they see it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SiloMetricsTests(PostgresFixture postgres)
{
    private const string GrainCalls = "tollgate_grain_call_duration_seconds_count";

    [Fact]
    public async Task ASiloProcessServesTheGrainCallsItRanItsActivationsAndTheMembershipAtMetricsOnItsHealthPort()
    {
        var cluster = "metrics" + Guid.NewGuid().ToString("N")[..10];
        var healthPort = HostProcess.FreePort();
        await using var silo = TelemetryHosts.StartSilo(postgres.ConnectionString, cluster, healthPort);
        await using var api = ClusterApiHost.Start(
            postgres.ConnectionString, cluster, out var apiUrl, new Dictionary<string, string> { ["Auth__PasswordIterations"] = "10000" });
        var siloMetrics = $"http://127.0.0.1:{healthPort}/metrics";
        await TelemetryHosts.WaitReadyAsync(silo, $"http://127.0.0.1:{healthPort}/readyz");
        await TelemetryHosts.WaitReadyAsync(api, $"{apiUrl}/readyz");
        using var http = new HttpClient { BaseAddress = new Uri(apiUrl), Timeout = TimeSpan.FromSeconds(30) };
        var before = await TelemetryHosts.ScrapeAsync(http, siloMetrics);

        var client = new AuthTestClient(http);
        var user = await client.SignUpAsync();
        Assert.NotNull(await client.SessionAsync(user.Token));
        var after = await TelemetryHosts.ScrapeAsync(http, siloMetrics);
        var apiHost = await TelemetryHosts.ScrapeAsync(http, "/metrics");

        var userGrain = typeof(IUserGrain).FullName!;
        var sessionGrain = typeof(ISessionGrain).FullName!;
        Assert.True(after.Value(GrainCalls, ("interface", userGrain), ("outcome", "ok")) > before.Value(GrainCalls, ("interface", userGrain), ("outcome", "ok")));
        Assert.True(after.Value(GrainCalls, ("interface", sessionGrain), ("outcome", "ok")) > before.Value(GrainCalls, ("interface", sessionGrain), ("outcome", "ok")));
        Assert.True(after.Value("tollgate_grain_activations", ("type", userGrain)) >= 1);
        Assert.True(after.Value("tollgate_grain_activations", ("type", sessionGrain)) >= 1);
        Assert.Equal(1, after.Value("tollgate_cluster_members", ("status", "active")));

        // The API host runs no grain: it shows the membership it routes by, and its requests.
        Assert.Equal(1, apiHost.Value("tollgate_cluster_members", ("status", "active")));
        Assert.DoesNotContain(apiHost.Samples, s => s.Name is "tollgate_grain_activations" or GrainCalls);
        Assert.Equal(1, apiHost.Value("tollgate_http_server_request_duration_seconds_count", ("route", "/api/auth/sign-up/email"), ("code", "200")));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{healthPort}/healthz")).StatusCode);
    }
}
