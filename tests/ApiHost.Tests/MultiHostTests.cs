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

    /// <summary>
    /// Issue 14: a key made by an organization admin acts with the admin's membership as it is now, narrowed by the
    /// key's permissions. Each change goes through host A; the very next request with the key goes through host B.
    /// </summary>
    [Fact]
    public async Task AKeyActsWithItsCreatorsCurrentAuthorityOnTheNextRequestThroughTheOtherHost()
    {
        var adminEmail = AuthTestClient.NewEmail("key-admin");
        await using var cluster = await StartClusterAsync(adminEmail);
        var (a, b) = (cluster.A, cluster.B);
        var platformAdmin = await a.SignUpAsync(adminEmail);
        var owner = await a.SignUpAsync();
        var creator = await a.SignUpAsync();
        var organizationId = await a.CreateOrganizationAsync(owner.Token);
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("/api/auth/organization/add-member", owner.Token, new { organizationId, userId = creator.UserId, role = "admin" })).StatusCode);
        var (organizationKey, _) = await a.CreateApiKeyAsync(creator.Token, new { name = "org", organizationId, permissions = new { member = new[] { "create", "update" }, ac = new[] { "read" } } });
        var (personalKey, _) = await a.CreateApiKeyAsync(creator.Token, new { name = "mine" });
        var memberCreate = new { permissions = new { member = new[] { "create" } } };
        var memberDelete = new { permissions = new { member = new[] { "delete" } } };
        var acRead = new { permissions = new { ac = new[] { "read" } } };
        var inOrganization = new { permissions = new { member = new[] { "create" } }, organizationId };

        async Task<string> KeyPowerAsync() =>
            $"org-key member:create={await KeyHasAsync(b, organizationKey, memberCreate)} member:delete={await KeyHasAsync(b, organizationKey, memberDelete)} " +
            $"ac:read={await KeyHasAsync(b, organizationKey, acRead)} personal-key member:create={await KeyHasAsync(b, personalKey, inOrganization)}";

        // An admin: the key has what both the role and its own list allow (not member:delete, which it does not list).
        Assert.Equal("org-key member:create=True member:delete=False ac:read=True personal-key member:create=True", await KeyPowerAsync());

        await a.PostAsync("/api/auth/organization/update-member-role", owner.Token, new { organizationId, userId = creator.UserId, role = "member" });
        Assert.Equal("org-key member:create=False member:delete=False ac:read=True personal-key member:create=False", await KeyPowerAsync());
        using (var refused = await b.SendWithKeyAsync(HttpMethod.Post, "/api/auth/organization/add-member", organizationKey, new { userId = platformAdmin.UserId, role = "member" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        await a.PostAsync("/api/auth/organization/remove-member", owner.Token, new { organizationId, userId = creator.UserId });
        Assert.Equal("org-key member:create=False member:delete=False ac:read=False personal-key member:create=False", await KeyPowerAsync());

        await a.PostAsync("/api/auth/organization/add-member", owner.Token, new { organizationId, userId = creator.UserId, role = "admin" });
        Assert.Equal("org-key member:create=True member:delete=False ac:read=True personal-key member:create=True", await KeyPowerAsync());
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM members WHERE organization_id = $1 AND user_id = $2", organizationId, platformAdmin.UserId));

        // The organization deleted: the key it was made in holds nothing, there or anywhere.
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("/api/auth/organization/delete", owner.Token, new { organizationId })).StatusCode);
        Assert.Equal("org-key member:create=False member:delete=False ac:read=False personal-key member:create=False", await KeyPowerAsync());

        using (var banned = await a.PostAsync("/api/auth/admin/ban-user", platformAdmin.Token, new { userId = creator.UserId, banReason = "key test" }))
        {
            Assert.Equal(HttpStatusCode.OK, banned.StatusCode);
        }

        foreach (var key in new[] { organizationKey, personalKey })
        {
            using var refused = await b.SendWithKeyAsync(HttpMethod.Post, "/api/auth/organization/has-permission", key, memberCreate);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("BANNED", (await AuthTestClient.Json(refused)).GetProperty("code").GetString());
        }
    }

    private static async Task<bool> KeyHasAsync(AuthTestClient client, string key, object body)
    {
        using var response = await client.SendWithKeyAsync(HttpMethod.Post, "/api/auth/organization/has-permission", key, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await AuthTestClient.Json(response)).GetProperty("success").GetBoolean();
    }

    [Fact]
    public async Task TwoThousandConcurrentConsumesThroughTwoHostsOnALimitOfOneThousandCountExactlyOnce()
    {
        var adminEmail = AuthTestClient.NewEmail("cluster-admin");
        await using var cluster = await StartClusterAsync(adminEmail);
        var (a, b) = (cluster.A, cluster.B);
        var admin = await a.SignUpAsync(adminEmail);
        var user = await a.SignUpAsync();
        var kit = new BillingTestKit(a, admin.Token);
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 1000);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.Equal(HttpStatusCode.OK, (await kit.PostEventAsync(BillingTestKit.SubscriptionEvent(
            "evt_" + Guid.NewGuid().ToString("N"), "customer.subscription.created", now, user.UserId, agentId, priceId, "active", now - 60, now + 3600))).StatusCode);

        async Task<(int Index, HttpStatusCode Status, bool Replayed)> ConsumeAsync(int i)
        {
            using var response = await (i % 2 == 0 ? a : b).PostAsync("/api/quota/consume", user.Token, new { agentId, idempotencyKey = $"op-{i}" });
            var replayed = response.StatusCode == HttpStatusCode.OK && (await AuthTestClient.Json(response)).GetProperty("replayed").GetBoolean();
            return (i, response.StatusCode, replayed);
        }

        var first = await Task.WhenAll(Enumerable.Range(0, 2000).Select(ConsumeAsync));
        var retried = await Task.WhenAll(Enumerable.Range(0, 2000).Select(ConsumeAsync));

        Assert.Equal(1000, first.Count(r => r.Status == HttpStatusCode.OK));
        Assert.Equal(1000, first.Count(r => r.Status == HttpStatusCode.TooManyRequests));
        var succeeded = first.Where(r => r.Status == HttpStatusCode.OK).Select(r => r.Index).ToHashSet();
        Assert.All(retried.Where(r => succeeded.Contains(r.Index)), r => Assert.True(r.Status == HttpStatusCode.OK && r.Replayed, $"op-{r.Index} replays"));
        Assert.All(retried.Where(r => !succeeded.Contains(r.Index)), r => Assert.Equal(HttpStatusCode.TooManyRequests, r.Status));
        Assert.Equal(1000L, await QuotaUsedAsync(user.UserId, agentId));
    }

    [Fact]
    public async Task ASiloKilledDuringAConsumeLoadLosesNoAnsweredConsumeAndCountsNothingTwice()
    {
        var adminEmail = AuthTestClient.NewEmail("cluster-admin");
        await using var cluster = await StartClusterAsync(adminEmail);
        var (a, b) = (cluster.A, cluster.B);
        var admin = await a.SignUpAsync(adminEmail);
        var publisher = await a.SignUpAsync();
        var organizationId = await a.CreateOrganizationAsync(publisher.Token);
        var (serviceKey, _) = await a.CreateApiKeyAsync(publisher.Token, new { name = "backend", organizationId });
        var kit = new BillingTestKit(a, admin.Token);
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 1_000_000_000, organizationId);
        var users = Enumerable.Range(0, 16).Select(i => $"load-{Guid.NewGuid():N}").ToArray();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach (var userId in users)
        {
            Assert.Equal(HttpStatusCode.OK, (await kit.PostEventAsync(BillingTestKit.SubscriptionEvent(
                "evt_" + Guid.NewGuid().ToString("N"), "customer.subscription.created", now, userId, agentId, priceId, "active", now - 60, now + 86_400))).StatusCode);
        }

        // Each logical consume has its own idempotency key and is retried with it until it gets a definite answer.
        var answered = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        var failures = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(12));
        var workers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var key = $"w{w}-{n}";
                var userId = users[(w + n) % users.Length];
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (DateTime.UtcNow < deadline)
                {
                    try
                    {
                        using var response = await ((w + n) % 2 == 0 ? a : b).SendWithKeyAsync(HttpMethod.Post, "/api/quota/consume", serviceKey, new { agentId, userId, idempotencyKey = key });
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            answered[key] = userId;
                            break;
                        }

                        Interlocked.Increment(ref failures);
                        Assert.True((int)response.StatusCode >= 500, $"{key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                    catch (HttpRequestException)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    await Task.Delay(50);
                }
            }
        })).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(3));
        await cluster.Processes[0].KillHardAsync();
        await Task.WhenAll(workers);
        Assert.True(cluster.Processes[0].HasExited, "the first silo was killed");

        Assert.True(answered.Count > 100, $"only {answered.Count} consumes were answered");
        foreach (var userId in users)
        {
            var acknowledged = answered.Count(p => p.Value == userId);
            Assert.Equal((long)acknowledged, await QuotaUsedAsync(userId, agentId));
        }

        Assert.Equal((long)answered.Count, await postgres.ScalarAsync<long>(
            "SELECT count(*) FROM quota_idempotency WHERE agent_id = $1 AND key = ANY($2)", agentId, answered.Keys.ToArray()));
    }

    private async Task<long> QuotaUsedAsync(string userId, string agentId) =>
        await postgres.ScalarAsync<long>("SELECT quota_used FROM user_agent_subscriptions WHERE user_id = $1 AND agent_id = $2", userId, agentId);

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
            ["Cluster__ProbePeriod"] = "00:00:00.250",
            ["Cluster__ProbeTimeout"] = "00:00:00.500",
            ["Cluster__MissedProbesLimit"] = "3",
            ["Cluster__RefreshPeriod"] = "00:00:00.300",
            ["Cluster__IAmAlivePeriod"] = "00:00:00.500",
            ["Logging__LogLevel__Default"] = "Warning",
        });

    private HostProcess StartApiHost(string cluster, out string url) =>
        ClusterApiHost.Start(postgres.ConnectionString, cluster, out url, new Dictionary<string, string>
        {
            ["Auth__SignInMaxRequests"] = "100000",
            ["Stripe__WebhookSecrets__0"] = BillingTestKit.WebhookSecret,
            ["Logging__LogLevel__Default"] = "Warning",
        });

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
