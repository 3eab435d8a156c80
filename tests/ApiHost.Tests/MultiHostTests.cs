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
        var adminEmail = AuthTestClient.NewEmail("cluster-admin");
        await using var cluster = await StartClusterAsync(adminEmail);
        var (a, b) = (cluster.A, cluster.B);
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

    [Fact]
    public async Task ADeletedKeyOrARemovedMemberIsRefusedOnTheNextRequestThroughTheOtherHost()
    {
        await using var cluster = await StartClusterAsync(AuthTestClient.NewEmail("unused-admin"));
        var (a, b) = (cluster.A, cluster.B);
        var owner = await a.SignUpAsync();
        var member = await a.SignUpAsync();
        var organizationId = await a.CreateOrganizationAsync(owner.Token);
        var permissions = new { permissions = new { ac = new[] { "read" } }, organizationId };

        var stale = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            var (key, id) = await a.CreateApiKeyAsync(i % 2 == 0 ? owner.Token : member.Token, new { name = $"k{i}", organizationId = i % 2 == 0 ? organizationId : null });
            Assert.Equal(HttpStatusCode.OK, (await b.SendWithKeyAsync(HttpMethod.Get, "/api/auth/api-key/list", key)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("/api/auth/api-key/delete", i % 2 == 0 ? owner.Token : member.Token, new { keyId = id })).StatusCode);
            if ((await b.SendWithKeyAsync(HttpMethod.Get, "/api/auth/api-key/list", key)).StatusCode != HttpStatusCode.Unauthorized)
            {
                stale.Add($"#{i}: key deleted on A, still accepted by B");
            }

            Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("/api/auth/organization/add-member", owner.Token, new { organizationId, userId = member.UserId, role = "member" })).StatusCode);
            if (!await HasAsync(b, member.Token, permissions))
            {
                stale.Add($"#{i}: member added on A, refused by B");
            }

            Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("/api/auth/organization/remove-member", owner.Token, new { organizationId, userId = member.UserId })).StatusCode);
            if (await HasAsync(b, member.Token, permissions))
            {
                stale.Add($"#{i}: member removed on A, still allowed by B");
            }
        }

        Assert.True(stale.Count == 0, $"{stale.Count} stale answers:\n{string.Join('\n', stale.Take(20))}");
    }

    private static async Task<bool> HasAsync(AuthTestClient client, string token, object body)
    {
        using var response = await client.PostAsync("/api/auth/organization/has-permission", token, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await AuthTestClient.Json(response)).GetProperty("success").GetBoolean();
    }

    /// <summary>Two silo processes and two cluster-mode API hosts on a fresh cluster id, ready.</summary>
    private async Task<TwoHostCluster> StartClusterAsync(string adminEmail)
    {
        var cluster = "m" + Guid.NewGuid().ToString("N")[..12];
        var processes = new List<HostProcess> { StartSilo(cluster, adminEmail), StartSilo(cluster, adminEmail) };
        processes.Add(StartApiHost(cluster, out var urlA));
        processes.Add(StartApiHost(cluster, out var urlB));
        var httpA = new HttpClient { BaseAddress = new Uri(urlA), Timeout = TimeSpan.FromSeconds(30) };
        var httpB = new HttpClient { BaseAddress = new Uri(urlB), Timeout = TimeSpan.FromSeconds(30) };
        var started = new TwoHostCluster(processes, new AuthTestClient(httpA), new AuthTestClient(httpB));
        try
        {
            await Eventually.TrueAsync(() => ReadyAsync(httpA), Deadline, "host A is ready\n" + string.Join("\n", processes.Select(p => p.Output)));
            await Eventually.TrueAsync(() => ReadyAsync(httpB), Deadline, "host B is ready\n" + string.Join("\n", processes.Select(p => p.Output)));
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    private sealed record TwoHostCluster(List<HostProcess> Processes, AuthTestClient A, AuthTestClient B) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            A.Http.Dispose();
            B.Http.Dispose();
            foreach (var process in Enumerable.Reverse(Processes))
            {
                await process.DisposeAsync();
            }
        }
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
