using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Tollgate.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Tollgate.ApiHost.Tests;

/// <summary>
/// Promise 1 and 2 while the cluster changes under load: roles change and sessions are revoked through host A and
/// read through host B, and consumes run through both, while silo processes go 1 → 3 → 1 (two start, one stops on
/// SIGTERM, one is killed with SIGKILL). A read may be refused (503/504: the cluster is busy moving grains) and is
/// then asked again; it may never answer with the role or session as it was before the acknowledged change. Every
/// acknowledged consume is in the table exactly once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ChurnTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>The directory under test: the configured default, or <c>TOLLGATE_CHURN_DIRECTORY</c> (Default, Distributed) to measure another.</summary>
    private static readonly string? Directory = Environment.GetEnvironmentVariable("TOLLGATE_CHURN_DIRECTORY");

    private readonly TimeSpan[] _slowest = [TimeSpan.Zero];

    [Fact]
    public async Task RoleChangesRevocationsAndConsumesStayExactWhileSilosGoOneToThreeToOne()
    {
        var clusterId = "churn" + Guid.NewGuid().ToString("N")[..10];
        var adminEmail = AuthTestClient.NewEmail("churn-admin");
        var processes = new List<HostProcess>();
        try
        {
            var first = StartSilo(clusterId, adminEmail, out var firstHealth);
            processes.Add(first);
            await SiloProcess.WaitReadyAsync($"http://127.0.0.1:{firstHealth}/readyz", processes, Deadline);
            processes.Add(ClusterApiHost.Start(postgres.ConnectionString, clusterId, out var urlA, HostSettings));
            processes.Add(ClusterApiHost.Start(postgres.ConnectionString, clusterId, out var urlB, HostSettings));
            await SiloProcess.WaitReadyAsync(urlA + "/readyz", processes, Deadline);
            await SiloProcess.WaitReadyAsync(urlB + "/readyz", processes, Deadline);
            using var httpA = new HttpClient { BaseAddress = new Uri(urlA), Timeout = TimeSpan.FromSeconds(30) };
            using var httpB = new HttpClient { BaseAddress = new Uri(urlB), Timeout = TimeSpan.FromSeconds(30) };
            var (a, b) = (new AuthTestClient(httpA), new AuthTestClient(httpB));

            var admin = await a.SignUpAsync(adminEmail);
            var users = new List<(string Email, AuthTestClient.SignedIn User)>();
            for (var i = 0; i < 24; i++)
            {
                var email = AuthTestClient.NewEmail("churn-user");
                users.Add((email, await a.SignUpAsync(email)));
            }

            var publisher = await a.SignUpAsync();
            var organizationId = await a.CreateOrganizationAsync(publisher.Token);
            var (serviceKey, _) = await a.CreateApiKeyAsync(publisher.Token, new { name = "backend", organizationId });
            var kit = new BillingTestKit(a, admin.Token);
            var (agentId, priceId) = await kit.AgentAsync(periodQuota: 1_000_000_000, organizationId);
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            foreach (var (_, user) in users)
            {
                Assert.Equal(HttpStatusCode.OK, (await kit.PostEventAsync(BillingTestKit.SubscriptionEvent(
                    "evt_" + Guid.NewGuid().ToString("N"), "customer.subscription.created", now, user.UserId, agentId, priceId, "active", now - 60, now + 86_400))).StatusCode);
            }

            var stale = new ConcurrentQueue<string>();
            var refused = 0;
            var checks = 0;
            var answered = new ConcurrentDictionary<string, string>();
            using var churnDone = new CancellationTokenSource();

            // Reads and changes: one user at a time, each change acknowledged before the read that must see it.
            var identity = Task.Run(async () =>
            {
                for (var i = 0; !churnDone.IsCancellationRequested; i++)
                {
                    var (email, user) = users[i % users.Count];
                    if (i % 2 == 0)
                    {
                        var promote = i % 4 == 0;
                        using (await Definite(() => a.PostAsync("/api/auth/admin/set-role", admin.Token, new { userId = user.UserId, role = promote ? "platform_admin" : "org_member" }), () => Interlocked.Increment(ref refused)))
                        {
                        }

                        using var read = await Definite(() => b.GetAsync("/api/auth/admin/list-users?limit=1", user.Token), () => Interlocked.Increment(ref refused));
                        if (read.StatusCode != (promote ? HttpStatusCode.OK : HttpStatusCode.Forbidden))
                        {
                            stale.Enqueue($"#{i}: role {(promote ? "granted" : "withdrawn")} through A, B answered {(int)read.StatusCode}");
                        }
                    }
                    else
                    {
                        using var signIn = await Definite(() => b.Http.PostAsJsonAsync("/api/auth/sign-in/email", new { email, password = AuthTestClient.Password }), () => Interlocked.Increment(ref refused));
                        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
                        var token = (await AuthTestClient.Json(signIn)).GetProperty("token").GetString()!;
                        using (await Definite(() => a.PostAsync("/api/auth/sign-out", token), () => Interlocked.Increment(ref refused)))
                        {
                        }

                        using var read = await Definite(() => b.GetAsync("/api/auth/get-session", token), () => Interlocked.Increment(ref refused));
                        if ((await AuthTestClient.Json(read)).ValueKind != System.Text.Json.JsonValueKind.Null)
                        {
                            stale.Enqueue($"#{i}: session revoked through A, still valid on B");
                        }
                    }

                    Interlocked.Increment(ref checks);
                }
            });

            // Consumes: each logical consume has its own Idempotency-Key and is retried with it until it gets a 200.
            var consumers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
            {
                for (var n = 0; !churnDone.IsCancellationRequested; n++)
                {
                    var key = $"w{w}-{n}";
                    var userId = users[(w + n) % users.Count].User.UserId;
                    using var response = await Definite(
                        () => ((w + n) % 2 == 0 ? a : b).SendWithKeyAsync(HttpMethod.Post, "/api/quota/consume", serviceKey, new { agentId, userId, idempotencyKey = key }),
                        () => Interlocked.Increment(ref refused));
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    answered[key] = userId;
                }
            })).ToArray();

            // 1 → 3 → 1: two silos join, one leaves on SIGTERM, one is killed.
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(2));
            var second = StartSilo(clusterId, adminEmail, out var secondHealth);
            var third = StartSilo(clusterId, adminEmail, out var thirdHealth);
            processes.AddRange([second, third]);
            await SiloProcess.WaitReadyAsync($"http://127.0.0.1:{secondHealth}/readyz", processes, Deadline);
            await SiloProcess.WaitReadyAsync($"http://127.0.0.1:{thirdHealth}/readyz", processes, Deadline);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: three silos");
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.Equal(0, await second.TerminateAsync(Deadline));
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: second silo stopped on SIGTERM");
            await Task.Delay(TimeSpan.FromSeconds(3));
            await third.KillHardAsync();
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: third silo killed");
            await Task.Delay(TimeSpan.FromSeconds(8));
            churnDone.Cancel();
            await identity;
            await Task.WhenAll(consumers);

            output.WriteLine($"directory {Directory ?? "as configured"}: {checks} change-then-read checks, {stale.Count} stale, {answered.Count} consumes acknowledged, " +
                             $"{refused} answers refused (503/504/connection) and asked again; slowest definite answer {_slowest[0].TotalSeconds:0.00} s");
            Assert.True(stale.IsEmpty, $"{stale.Count} stale answers of {checks}:\n{string.Join('\n', stale.Take(20))}");
            Assert.True(checks > 20 && answered.Count > 100, $"too little traffic: {checks} checks, {answered.Count} consumes");
            foreach (var (_, user) in users)
            {
                Assert.Equal((long)answered.Count(p => p.Value == user.UserId), await postgres.ScalarAsync<long>(
                    "SELECT quota_used FROM user_agent_subscriptions WHERE user_id = $1 AND agent_id = $2", user.UserId, agentId));
            }

            Assert.Equal((long)answered.Count, await postgres.ScalarAsync<long>(
                "SELECT count(*) FROM quota_idempotency WHERE agent_id = $1 AND key = ANY($2)", agentId, answered.Keys.ToArray()));
        }
        finally
        {
            foreach (var process in Enumerable.Reverse(processes))
            {
                await process.DisposeAsync();
            }
        }
    }

    private static readonly Dictionary<string, string> HostSettings = new()
    {
        ["Auth__SignInMaxRequests"] = "100000",
        ["Stripe__WebhookSecrets__0"] = BillingTestKit.WebhookSecret,
        ["Logging__LogLevel__Default"] = "Warning",
    };

    /// <summary>Sends until the answer is not a refusal (5xx, or no connection): those are retried, and counted.</summary>
    private async Task<HttpResponseMessage> Definite(Func<Task<HttpResponseMessage>> send, Action refusedOnce)
    {
        var deadline = DateTime.UtcNow + Deadline;
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                var response = await send();
                if ((int)response.StatusCode < 500 || DateTime.UtcNow > deadline)
                {
                    var elapsed = Stopwatch.GetElapsedTime(started);
                    lock (_slowest)
                    {
                        _slowest[0] = elapsed > _slowest[0] ? elapsed : _slowest[0];
                    }

                    return response;
                }

                response.Dispose();
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline)
            {
            }

            refusedOnce();
            await Task.Delay(100);
        }
    }

    private HostProcess StartSilo(string clusterId, string adminEmail, out int healthPort)
    {
        var settings = new Dictionary<string, string>
        {
            ["Cluster__ProbeTimeout"] = "00:00:00.500",
            ["Cluster__RefreshPeriod"] = "00:00:00.500",
        };
        if (Directory is { Length: > 0 } directory)
        {
            settings["Cluster__Directory"] = directory;
        }

        return SiloProcess.Start(postgres.ConnectionString, clusterId, adminEmail, out healthPort, out _, settings);
    }
}
