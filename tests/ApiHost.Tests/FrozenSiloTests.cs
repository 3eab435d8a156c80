using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Tollgate.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Tollgate.ApiHost.Tests;

/// <summary>
/// A frozen silo (SIGSTOP: its sockets stay open, as with a hung host or a partition) under a consume load through a
/// cluster-mode API host: the other silo declares it dead within the failure-detection bound, the load goes on, and
/// when the frozen silo wakes up it learns it is dead and stops by itself; no acknowledged consume is lost or counted
/// twice (its late writes are fenced off by its dead membership row).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FrozenSiloTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AFrozenSiloIsDeclaredDeadTheLoadGoesOnAndItStopsWhenItWakes()
    {
        var clusterId = "frozen" + Guid.NewGuid().ToString("N")[..10];
        var adminEmail = AuthTestClient.NewEmail("frozen-admin");
        var processes = new List<HostProcess>();
        try
        {
            var first = SiloProcess.Start(postgres.ConnectionString, clusterId, adminEmail, out var firstHealth, out _);
            var second = SiloProcess.Start(postgres.ConnectionString, clusterId, adminEmail, out var secondHealth, out var secondPort);
            processes.AddRange([first, second]);
            await SiloProcess.WaitReadyAsync($"http://127.0.0.1:{firstHealth}/readyz", processes, Deadline);
            await SiloProcess.WaitReadyAsync($"http://127.0.0.1:{secondHealth}/readyz", processes, Deadline);
            processes.Add(ClusterApiHost.Start(postgres.ConnectionString, clusterId, out var url, new Dictionary<string, string>
            {
                ["Auth__SignInMaxRequests"] = "100000",
                ["Stripe__WebhookSecrets__0"] = BillingTestKit.WebhookSecret,
                ["Logging__LogLevel__Default"] = "Warning",
            }));
            await SiloProcess.WaitReadyAsync(url + "/readyz", processes, Deadline);
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
            var api = new AuthTestClient(http);
            var admin = await api.SignUpAsync(adminEmail);
            var publisher = await api.SignUpAsync();
            var organizationId = await api.CreateOrganizationAsync(publisher.Token);
            var (serviceKey, _) = await api.CreateApiKeyAsync(publisher.Token, new { name = "backend", organizationId });
            var kit = new BillingTestKit(api, admin.Token);
            var (agentId, priceId) = await kit.AgentAsync(periodQuota: 1_000_000_000, organizationId);
            var users = Enumerable.Range(0, 16).Select(_ => "frozen-" + Guid.NewGuid().ToString("N")).ToArray();
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            foreach (var userId in users)
            {
                Assert.Equal(HttpStatusCode.OK, (await kit.PostEventAsync(BillingTestKit.SubscriptionEvent(
                    "evt_" + Guid.NewGuid().ToString("N"), "customer.subscription.created", now, userId, agentId, priceId, "active", now - 60, now + 86_400))).StatusCode);
            }

            var answered = new ConcurrentDictionary<string, string>();
            var refused = 0;
            var badRefusals = new ConcurrentQueue<string>();
            var slowest = TimeSpan.Zero;
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var key = $"w{w}-{n}";
                    var userId = users[(w + n) % users.Length];
                    var started = Stopwatch.GetTimestamp();
                    while (true)
                    {
                        try
                        {
                            using var response = await api.SendWithKeyAsync(HttpMethod.Post, "/api/quota/consume", serviceKey, new { agentId, userId, idempotencyKey = key });
                            if (response.StatusCode == HttpStatusCode.OK)
                            {
                                answered[key] = userId;
                                break;
                            }

                            Assert.True((int)response.StatusCode >= 500, $"{key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                            // A refusal the caller can act on: problem+json, a code, and when to come back.
                            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || response.Headers.RetryAfter is null
                                || !(await response.Content.ReadAsStringAsync()).Contains("\"code\":\"", StringComparison.Ordinal))
                            {
                                badRefusals.Enqueue($"{(int)response.StatusCode} {response.Content.Headers.ContentType} Retry-After {response.Headers.RetryAfter}");
                            }
                        }
                        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                        {
                        }

                        Interlocked.Increment(ref refused);
                        await Task.Delay(100);
                    }

                    var elapsed = Stopwatch.GetElapsedTime(started);
                    lock (answered)
                    {
                        slowest = elapsed > slowest ? elapsed : slowest;
                    }
                }
            })).ToArray();

            await Task.Delay(TimeSpan.FromSeconds(3));
            var frozenAt = Stopwatch.StartNew();
            Signal("STOP", second.Id);
            await Eventually.TrueAsync(async () => await StatusAsync(clusterId, secondPort) == 6, Deadline, "the frozen silo is declared dead");
            var declaredDead = frozenAt.Elapsed;
            // Calls in flight to the frozen silo wait out Cluster:ResponseTimeout (10 s) and are then sent again, maybe
            // once more through its gateway until the API host re-reads the gateway list (Cluster:RefreshPeriod).
            var beforeWake = answered.Count;
            await Task.Delay(TimeSpan.FromSeconds(12));
            var duringAbsence = answered.Count - beforeWake;
            Signal("CONT", second.Id);
            var exitCode = await second.WaitForExitAsync(Deadline);
            var wokeAndLeft = frozenAt.Elapsed - declaredDead;
            await Task.Delay(TimeSpan.FromSeconds(2));
            stop.Cancel();
            await Task.WhenAll(workers);

            output.WriteLine($"frozen silo declared dead after {declaredDead.TotalSeconds:0.0} s; {duringAbsence} consumes answered in the 12 s after; " +
                             $"woken, it stopped by itself (exit {exitCode}) {wokeAndLeft.TotalSeconds:0.0} s after being declared dead; " +
                             $"{answered.Count} consumes acknowledged, {refused} refusals asked again, slowest definite answer {slowest.TotalSeconds:0.0} s");
            Assert.True(declaredDead < TimeSpan.FromSeconds(30), $"declared dead after {declaredDead}");
            Assert.True(duringAbsence > 0, "the load goes on once the frozen silo is declared dead");
            Assert.True(badRefusals.IsEmpty, "every 5xx is problem+json with a code and Retry-After: " + string.Join("; ", badRefusals.Take(5)));
            foreach (var userId in users)
            {
                Assert.Equal((long)answered.Count(p => p.Value == userId), await postgres.ScalarAsync<long>(
                    "SELECT quota_used FROM user_agent_subscriptions WHERE user_id = $1 AND agent_id = $2", userId, agentId));
            }
        }
        finally
        {
            foreach (var process in Enumerable.Reverse(processes))
            {
                if (!process.HasExited)
                {
                    Signal("CONT", process.Id);
                }

                await process.DisposeAsync();
            }
        }
    }

    private static void Signal(string signal, int pid) => Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

    /// <summary>The membership status of the silo on <paramref name="siloPort"/>.</summary>
    private async Task<int> StatusAsync(string clusterId, int siloPort) =>
        await postgres.ScalarAsync<int>("SELECT status FROM orleansmembershiptable WHERE deploymentid = $1 AND port = $2 ORDER BY generation DESC LIMIT 1", clusterId, siloPort);
}
