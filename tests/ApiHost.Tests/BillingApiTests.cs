using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>Agents, subscriptions, quota and Stripe webhooks over HTTP on real PostgreSQL (api.md, the money path).</summary>
[Collection(PostgresCollection.Name)]
public sealed class BillingApiTests(Testing.PostgresFixture postgres)
{
    private static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Fact]
    public async Task TheSupportStoryNoSubscriptionActivePastDueActiveCanceledAsTheOperatorsQuerySeesIt()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, BillingTestKit.Settings);
        var (kit, user) = await BillingTestKit.StartAsync(factory);
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 100);

        using var none = await kit.ConsumeAsync(user.Token, agentId);
        Assert.Equal(HttpStatusCode.PaymentRequired, none.StatusCode);
        var problem = await AuthTestClient.Json(none);
        Assert.Equal("PAYMENT_REQUIRED", problem.GetProperty("code").GetString());
        Assert.Equal("none", problem.GetProperty("details").GetProperty("status").GetString());
        Assert.Contains(agentId, problem.GetProperty("details").GetProperty("checkoutUrl").GetString());

        var steps = new[] { ("customer.subscription.created", "active", HttpStatusCode.OK), ("customer.subscription.updated", "past_due", HttpStatusCode.PaymentRequired),
            ("customer.subscription.updated", "active", HttpStatusCode.OK), ("customer.subscription.deleted", "canceled", HttpStatusCode.PaymentRequired) };
        for (var i = 0; i < steps.Length; i++)
        {
            var (type, status, expected) = steps[i];
            var payload = BillingTestKit.SubscriptionEvent($"evt_{Guid.NewGuid():N}", type, Now + i, user.UserId, agentId, priceId, status, Now - 60, Now + 86_400);
            using var delivered = i == 0 ? await kit.PostNpmSignedEventAsync(payload) : await kit.PostEventAsync(payload);
            Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
            Assert.Equal(status, await postgres.ScalarAsync<string>(
                $"SELECT status FROM user_agent_subscriptions WHERE user_id = '{user.UserId}' AND agent_id = '{agentId}'"));
            Assert.NotEqual(default, await postgres.ScalarAsync<DateTime>(
                "SELECT current_period_end FROM user_agent_subscriptions WHERE user_id = $1 AND agent_id = $2", user.UserId, agentId));
            Assert.Equal(expected, (await kit.ConsumeAsync(user.Token, agentId)).StatusCode);
        }

        Assert.Equal(2L, await postgres.ScalarAsync<long>("SELECT quota_used FROM user_agent_subscriptions WHERE user_id = $1 AND agent_id = $2", user.UserId, agentId));
        foreach (var kind in new[] { "subscription_created", "subscription_updated", "subscription_canceled" })
        {
            Assert.True(await postgres.ScalarAsync<long>("SELECT count(*) FROM interactions WHERE user_id = $1 AND agent_id = $2 AND kind = $3", user.UserId, agentId, kind) >= 1, kind);
        }
    }

    [Fact]
    public async Task ConsumptionStopsAtTheLimitWithQuotaExceededAndItsResetTime()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, BillingTestKit.Settings);
        var (kit, user) = await BillingTestKit.StartAsync(factory);
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 5);
        await kit.ActivateAsync(user.UserId, agentId, priceId, Now - 60, Now + 3600);

        var first = await AuthTestClient.Json(await kit.ConsumeAsync(user.Token, agentId, units: 4));
        Assert.Equal(4, first.GetProperty("used").GetInt64());
        Assert.Equal(1, first.GetProperty("remaining").GetInt64());
        using var over = await kit.ConsumeAsync(user.Token, agentId, units: 2);
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        var details = (await AuthTestClient.Json(over)).GetProperty("details");
        Assert.Equal(5, details.GetProperty("limit").GetInt64());
        Assert.Equal(4, details.GetProperty("used").GetInt64());
        Assert.Equal(2, details.GetProperty("requested").GetInt64());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Now + 3600), details.GetProperty("resetsAt").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.OK, (await kit.ConsumeAsync(user.Token, agentId, units: 1)).StatusCode);
        var quota = await AuthTestClient.Json(await kit.Client.GetAsync($"/api/quota/{agentId}", user.Token));
        Assert.Equal(5, quota.GetProperty("used").GetInt64());
        Assert.Equal("active", quota.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AnIdempotencyKeyReplaysTheFirstAnswerAndRefusesAnotherBody()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, BillingTestKit.Settings);
        var (kit, user) = await BillingTestKit.StartAsync(factory);
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 100);
        await kit.ActivateAsync(user.UserId, agentId, priceId, Now - 60, Now + 3600);

        var first = await AuthTestClient.Json(await kit.ConsumeAsync(user.Token, agentId, units: 3, idempotencyKey: "job-1"));
        var again = await AuthTestClient.Json(await kit.ConsumeAsync(user.Token, agentId, units: 3, idempotencyKey: "job-1"));
        using var header = new HttpRequestMessage(HttpMethod.Post, "/api/quota/consume") { Content = System.Net.Http.Json.JsonContent.Create(new { agentId, units = 3 }) };
        header.Headers.Authorization = new("Bearer", user.Token);
        header.Headers.Add("Idempotency-Key", "job-1");
        var viaHeader = await AuthTestClient.Json(await kit.Client.Http.SendAsync(header));
        using var otherBody = await kit.ConsumeAsync(user.Token, agentId, units: 4, idempotencyKey: "job-1");

        Assert.False(first.GetProperty("replayed").GetBoolean());
        Assert.True(again.GetProperty("replayed").GetBoolean());
        Assert.True(viaHeader.GetProperty("replayed").GetBoolean());
        Assert.Equal(3, again.GetProperty("used").GetInt64());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherBody.StatusCode);
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", (await AuthTestClient.Json(otherBody)).GetProperty("code").GetString());
        Assert.Equal(3L, await postgres.ScalarAsync<long>("SELECT quota_used FROM user_agent_subscriptions WHERE user_id = $1 AND agent_id = $2", user.UserId, agentId));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM quota_idempotency WHERE user_id = $1 AND agent_id = $2", user.UserId, agentId));
    }

    [Fact]
    public async Task ConcurrentConsumesCountExactlyUpToTheLimit()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, BillingTestKit.Settings);
        var (kit, user) = await BillingTestKit.StartAsync(factory);
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 500);
        await kit.ActivateAsync(user.UserId, agentId, priceId, Now - 60, Now + 3600);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
        {
            using var response = await kit.ConsumeAsync(user.Token, agentId, idempotencyKey: $"c-{i}");
            return response.StatusCode;
        }));

        Assert.Equal(500, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(500, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(500L, await postgres.ScalarAsync<long>("SELECT quota_used FROM user_agent_subscriptions WHERE user_id = $1 AND agent_id = $2", user.UserId, agentId));
        Assert.Equal(500L, await postgres.ScalarAsync<long>("SELECT count(*) FROM quota_idempotency WHERE user_id = $1 AND agent_id = $2", user.UserId, agentId));
    }

    [Fact]
    public async Task EveryOrderOfDeliveryWithDuplicatesConvergesToTheNewestEvent()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, BillingTestKit.Settings);
        var (kit, _) = await BillingTestKit.StartAsync(factory);
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 10);
        var sequence = new[] { ("customer.subscription.created", "incomplete"), ("customer.subscription.updated", "active"),
            ("customer.subscription.updated", "past_due"), ("customer.subscription.updated", "active"), ("customer.subscription.deleted", "canceled") };

        var permutations = Permutations(Enumerable.Range(0, sequence.Length).ToArray()).ToList();
        Assert.Equal(120, permutations.Count);
        foreach (var order in permutations)
        {
            var userId = "perm-" + Guid.NewGuid().ToString("N")[..12];
            var events = sequence.Select((e, i) => BillingTestKit.SubscriptionEvent(
                $"evt_{userId}_{i}", e.Item1, Now + i, userId, agentId, priceId, e.Item2, Now - 60 + i, Now + 3600 + i)).ToArray();
            foreach (var index in order.Concat(order.Take(2)))
            {
                Assert.Equal(HttpStatusCode.OK, (await kit.PostEventAsync(events[index])).StatusCode);
            }

            Assert.Equal("canceled", await postgres.ScalarAsync<string>("SELECT status FROM user_agent_subscriptions WHERE user_id = $1 AND agent_id = $2", userId, agentId));
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Now + 3604).UtcDateTime, await postgres.ScalarAsync<DateTime>(
                "SELECT current_period_end FROM user_agent_subscriptions WHERE user_id = $1 AND agent_id = $2", userId, agentId));
        }

        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM stripe_events WHERE id LIKE 'evt_perm-%' AND processed_at IS NULL"));
    }

    [Fact]
    public async Task ANewBillingPeriodArchivesTheOldUsageAndStartsAgain()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, BillingTestKit.Settings);
        var (kit, user) = await BillingTestKit.StartAsync(factory);
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 10);
        await kit.ActivateAsync(user.UserId, agentId, priceId, Now - 60, Now + 3600);
        await kit.ConsumeAsync(user.Token, agentId, units: 7);

        await kit.PostEventAsync(BillingTestKit.SubscriptionEvent("evt_" + Guid.NewGuid().ToString("N"), "customer.subscription.updated", Now + 1, user.UserId, agentId, priceId, "active", Now + 3600, Now + 7200));

        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT quota_used FROM user_agent_subscriptions WHERE user_id = $1 AND agent_id = $2", user.UserId, agentId));
        Assert.Equal(7L, await postgres.ScalarAsync<long>("SELECT used FROM quota_periods WHERE user_id = $1 AND agent_id = $2", user.UserId, agentId));
        Assert.Equal(10, (await AuthTestClient.Json(await kit.ConsumeAsync(user.Token, agentId, units: 10))).GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task ABadSignatureIsRefusedAndStoresNothingWhileRotationAcceptsEitherSecret()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, new Dictionary<string, string?>
        {
            ["Stripe:WebhookSecrets:0"] = BillingTestKit.WebhookSecret,
            ["Stripe:WebhookSecrets:1"] = "whsec_old_secret",
        });
        var (kit, user) = await BillingTestKit.StartAsync(factory);
        var body = BillingTestKit.SubscriptionEvent("evt_sig_" + Guid.NewGuid().ToString("N"), "customer.subscription.created", Now, user.UserId, "agent-x", "price_x", "active", Now, Now + 60);
        var id = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetString();
        var stamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var good = BillingTestKit.Sign(BillingTestKit.WebhookSecret, stamp, body);

        foreach (var (header, payload) in new (string?, string)[]
        {
            (BillingTestKit.Sign("whsec_wrong", stamp, body), body),
            (good, body.Replace("active", "trialing")),
            (BillingTestKit.Sign(BillingTestKit.WebhookSecret, stamp - 301, body), body),
            (null, body),
        })
        {
            using var refused = await kit.PostSignedAsync(payload, header);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("INVALID_SIGNATURE", (await AuthTestClient.Json(refused)).GetProperty("code").GetString());
        }

        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM stripe_events WHERE id = $1", id!));
        var old = BillingTestKit.Sign("whsec_old_secret", stamp, body);
        using var rotated = await kit.PostSignedAsync(body, $"{old},{good.Split(',')[1]}");
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM stripe_events WHERE id = $1", id!));
    }

    [Fact]
    public async Task AFailedApplicationIsRecordedAnswered500AndListedForReplay()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, BillingTestKit.Settings);
        var (kit, user) = await BillingTestKit.StartAsync(factory);
        var admin = await kit.Client.AdminAsync();
        var eventId = "evt_fail_" + Guid.NewGuid().ToString("N");
        // A user id with '/' cannot name a subscription grain: applying fails, as a database outage would.
        using var failed = await kit.PostEventAsync(BillingTestKit.SubscriptionEvent(eventId, "customer.subscription.created", Now, "bad/user", "agent-x", "price_x", "active", Now, Now + 60));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(1, await postgres.ScalarAsync<int>("SELECT attempts FROM stripe_events WHERE id = $1", eventId));
        Assert.NotNull(await postgres.ScalarAsync<string>("SELECT last_error FROM stripe_events WHERE id = $1", eventId));
        var listed = await AuthTestClient.Json(await kit.Client.GetAsync("/api/admin/stripe-events?processed=false", admin.Token));
        Assert.Contains(listed.GetProperty("events").EnumerateArray(), e => e.GetProperty("id").GetString() == eventId);
        var replay = await AuthTestClient.Json(await kit.Client.PostAsync($"/api/admin/stripe-events/{eventId}/replay", admin.Token));
        Assert.False(replay.GetProperty("processed").GetBoolean());
        Assert.Equal(2, await postgres.ScalarAsync<int>("SELECT attempts FROM stripe_events WHERE id = $1", eventId));

        // An event stored but never applied (a crash between the two) is applied by a replay.
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 10);
        var stored = "evt_stored_" + Guid.NewGuid().ToString("N");
        var payload = BillingTestKit.SubscriptionEvent(stored, "customer.subscription.created", Now, user.UserId, agentId, priceId, "active", Now - 60, Now + 3600);
        await postgres.ScalarAsync<object>("INSERT INTO stripe_events (id, type, created, payload) VALUES ($1, 'customer.subscription.created', now(), $2::jsonb)", stored, payload);
        Assert.True((await AuthTestClient.Json(await kit.Client.PostAsync($"/api/admin/stripe-events/{stored}/replay", admin.Token))).GetProperty("processed").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await kit.ConsumeAsync(user.Token, agentId)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await kit.Client.PostAsync("/api/admin/stripe-events/evt_missing/replay", admin.Token)).StatusCode);
    }

    [Fact]
    public async Task AnAgentServiceConsumesForAUserWithItsOrganizationsKeyAndNobodyElseMay()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, BillingTestKit.Settings);
        var (kit, user) = await BillingTestKit.StartAsync(factory);
        var publisher = await kit.Client.SignUpAsync();
        var organizationId = await kit.Client.CreateOrganizationAsync(publisher.Token);
        var otherOrganization = await kit.Client.CreateOrganizationAsync(publisher.Token);
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 10, organizationId);
        await kit.ActivateAsync(user.UserId, agentId, priceId, Now - 60, Now + 3600);
        var (serviceKey, _) = await kit.Client.CreateApiKeyAsync(publisher.Token, new { name = "agent-backend", organizationId, permissions = new { quota = new[] { "consume" } } });
        var (foreignKey, _) = await kit.Client.CreateApiKeyAsync(publisher.Token, new { name = "other", organizationId = otherOrganization });

        using var byService = await kit.Client.SendWithKeyAsync(HttpMethod.Post, "/api/quota/consume", serviceKey, new { agentId, userId = user.UserId, units = 2 });
        Assert.Equal(HttpStatusCode.OK, byService.StatusCode);
        Assert.Equal(user.UserId, (await AuthTestClient.Json(byService)).GetProperty("userId").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await kit.Client.SendWithKeyAsync(HttpMethod.Post, "/api/quota/consume", foreignKey, new { agentId, userId = user.UserId })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await kit.ConsumeAsync(publisher.Token, agentId, userId: user.UserId)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await kit.Client.SendWithKeyAsync(HttpMethod.Post, "/api/quota/consume", serviceKey, new { agentId })).StatusCode);
        Assert.Equal(2L, await postgres.ScalarAsync<long>("SELECT quota_used FROM user_agent_subscriptions WHERE user_id = $1 AND agent_id = $2", user.UserId, agentId));
        var quota = await AuthTestClient.Json(await kit.Client.SendWithKeyAsync(HttpMethod.Get, $"/api/quota/{agentId}?userId={user.UserId}", serviceKey));
        Assert.Equal(8, quota.GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task AnAdminAdjustsQuotaWithAnAuditedReason()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, BillingTestKit.Settings);
        var (kit, user) = await BillingTestKit.StartAsync(factory);
        var admin = await kit.Client.AdminAsync();
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 10);
        await kit.ActivateAsync(user.UserId, agentId, priceId, Now - 60, Now + 3600);
        await kit.ConsumeAsync(user.Token, agentId, units: 6);

        var adjusted = await AuthTestClient.Json(await kit.Client.PostAsync("/api/admin/quota/adjust", admin.Token, new { userId = user.UserId, agentId, delta = -4, reason = "refund for outage" }));

        Assert.Equal(2, adjusted.GetProperty("quota").GetProperty("used").GetInt64());
        Assert.Equal(HttpStatusCode.Forbidden, (await kit.Client.PostAsync("/api/admin/quota/adjust", user.Token, new { userId = user.UserId, agentId, delta = -4, reason = "me" })).StatusCode);
        Assert.Equal(1L, await postgres.ScalarAsync<long>(
            "SELECT count(*) FROM interactions WHERE user_id = $1 AND agent_id = $2 AND kind = 'quota_adjusted' AND data->>'reason' = 'refund for outage'", user.UserId, agentId));
        var mine = await AuthTestClient.Json(await kit.Client.GetAsync("/api/subscriptions", user.Token));
        Assert.Equal(2, mine.EnumerateArray().Single(s => s.GetProperty("agentId").GetString() == agentId).GetProperty("quota").GetProperty("used").GetInt64());
    }

    [Fact]
    public async Task IdempotencyRecordsAreKeptForTheRetentionThenSwept()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, BillingTestKit.Settings);
        _ = factory.CreateBareClient();
        var userId = "sweep-" + Guid.NewGuid().ToString("N")[..12];
        await postgres.ScalarAsync<object>(
            "INSERT INTO quota_idempotency (user_id, agent_id, key, fingerprint, response, created_at) VALUES " +
            "($1, 'a', 'old', 'f', '{}', now() - interval '49 hours'), ($1, 'a', 'recent', 'f', '{}', now() - interval '23 hours')", userId);

        await factory.Services.GetRequiredService<Tollgate.Grains.Billing.IdempotencySweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal("recent", await postgres.ScalarAsync<string>("SELECT string_agg(key, ',') FROM quota_idempotency WHERE user_id = $1", userId));
    }

    private static IEnumerable<int[]> Permutations(int[] items) => items.Length <= 1
        ? [items]
        : items.SelectMany(item => Permutations([.. items.Where(i => i != item)]).Select(rest => (int[])[item, .. rest]));
}
