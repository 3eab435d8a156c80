using System.Globalization;
using System.Net;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>
/// Two API hosts in cluster mode in front of two silo processes: what one host changes, the other sees on its very
/// next request, because both ask the one activation of the user or session grain, never a cache.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MultiHostTests(PostgresFixture postgres)
{
    private const int Iterations = 1000;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ARoleChangeOrARevocationThroughOneHostIsSeenByTheOtherOnItsNextRequest()
    {
        var cluster = "m" + Guid.NewGuid().ToString("N")[..12];
        var adminEmail = AuthTestClient.NewEmail("cluster-admin");
        await using var silo1 = StartSilo(cluster, adminEmail);
        await using var silo2 = StartSilo(cluster, adminEmail);
        await using var hostA = StartApiHost(cluster, out var urlA);
        await using var hostB = StartApiHost(cluster, out var urlB);
        using var httpA = new HttpClient { BaseAddress = new Uri(urlA), Timeout = TimeSpan.FromSeconds(30) };
        using var httpB = new HttpClient { BaseAddress = new Uri(urlB), Timeout = TimeSpan.FromSeconds(30) };
        await Eventually.TrueAsync(() => ReadyAsync(httpA), Deadline, "host A is ready\n" + hostA.Output + silo1.Output);
        await Eventually.TrueAsync(() => ReadyAsync(httpB), Deadline, "host B is ready\n" + hostB.Output + silo2.Output);
        var a = new AuthTestClient(httpA);
        var b = new AuthTestClient(httpB);
        var admin = await a.SignUpAsync(adminEmail);
        var userEmail = AuthTestClient.NewEmail("cluster-user");
        var user = await a.SignUpAsync(userEmail);

        var stale = new List<string>();
        for (var i = 0; i < Iterations; i++)
        {
            if (i % 2 == 0)
            {
                var promote = i % 4 == 0;
                using var set = await a.PostAsync("/api/auth/admin/set-role", admin.Token, new { userId = user.UserId, role = promote ? "platform_admin" : "org_member" });
                Assert.Equal(HttpStatusCode.OK, set.StatusCode);
                using var next = await b.GetAsync("/api/auth/admin/list-users?limit=1", user.Token);
                if (next.StatusCode != (promote ? HttpStatusCode.OK : HttpStatusCode.Forbidden))
                {
                    stale.Add($"#{i}: role {(promote ? "granted" : "withdrawn")} on A, B answered {(int)next.StatusCode}");
                }
            }
            else
            {
                var session = await b.SignInAsync(userEmail);
                Assert.NotNull(await b.SessionAsync(session.Token));
                using var revoke = i % 4 == 1
                    ? await a.PostAsync("/api/auth/sign-out", session.Token)
                    : await a.PostAsync("/api/auth/admin/revoke-user-session", admin.Token, new { sessionToken = session.Token });
                Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
                if (await b.SessionAsync(session.Token) is not null)
                {
                    stale.Add($"#{i}: session revoked on A, still valid on B");
                }
            }
        }

        Assert.True(stale.Count == 0, $"{stale.Count} stale answers out of {Iterations}:\n{string.Join('\n', stale.Take(20))}");
        Assert.NotNull(await b.SessionAsync(user.Token));
    }

    private HostProcess StartSilo(string cluster, string adminEmail) =>
        HostProcess.Start("Silo", "Tollgate.Silo", [], new Dictionary<string, string>
        {
            ["ConnectionStrings__Tollgate"] = postgres.ConnectionString,
            ["Cluster__ClusterId"] = cluster,
            ["Silo__Port"] = HostProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Silo__HealthPort"] = HostProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Auth__BootstrapAdmins__0"] = adminEmail,
            ["Auth__PasswordIterations"] = "10000",
            ["Logging__LogLevel__Default"] = "Warning",
        });

    private HostProcess StartApiHost(string cluster, out string url)
    {
        url = $"http://127.0.0.1:{HostProcess.FreePort()}";
        return HostProcess.Start("ApiHost", "Tollgate.ApiHost", ["--urls", url], new Dictionary<string, string>
        {
            ["ApiHost__Mode"] = "Cluster",
            ["ConnectionStrings__Tollgate"] = postgres.ConnectionString,
            ["Cluster__ClusterId"] = cluster,
            ["Cluster__RefreshPeriod"] = "00:00:00.300",
            ["Auth__SignInMaxRequests"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
        });
    }

    private static async Task<bool> ReadyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
