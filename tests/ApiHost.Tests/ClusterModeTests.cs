using System.Globalization;
using System.Net;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>An API host in cluster mode next to a real silo process: probes on both, readiness follows the silos.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterModeTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AClusterModeHostIsReadyWhileASiloIsActiveAndNotAfterItLeaves()
    {
        var cluster = "h" + Guid.NewGuid().ToString("N")[..12];
        var siloPort = HostProcess.FreePort();
        var healthPort = HostProcess.FreePort();
        await using var silo = HostProcess.Start("Silo", "Tollgate.Silo", [], new Dictionary<string, string>
        {
            ["ConnectionStrings__Tollgate"] = postgres.ConnectionString,
            ["Cluster__ClusterId"] = cluster,
            ["Silo__Port"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Silo__HealthPort"] = healthPort.ToString(CultureInfo.InvariantCulture),
        });
        await using var api = ClusterApiHost.Start(postgres.ConnectionString, cluster, out var apiUrl);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };

        await Eventually.TrueAsync(() => AnswersAsync(http, $"http://127.0.0.1:{healthPort}/readyz", HttpStatusCode.OK), Deadline, "the silo is ready\n" + silo.Output);
        await Eventually.TrueAsync(() => AnswersAsync(http, $"{apiUrl}/readyz", HttpStatusCode.OK), Deadline, "the API host is ready\n" + api.Output);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{healthPort}/healthz")).StatusCode);

        Assert.Equal(0, await silo.TerminateAsync(TimeSpan.FromSeconds(30)));

        await Eventually.TrueAsync(() => AnswersAsync(http, $"{apiUrl}/readyz", HttpStatusCode.ServiceUnavailable), Deadline, "the API host knows no active silo");
    }

    private static async Task<bool> AnswersAsync(HttpClient http, string url, HttpStatusCode expected)
    {
        try
        {
            return (await http.GetAsync(url)).StatusCode == expected;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
