using System.Net;
using System.Text.Json;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>Issue 15: <c>GET /api/admin/explain</c>, each verdict reached the way a user would reach it (api.md, Support).</summary>
[Collection(PostgresCollection.Name)]
public sealed class ExplainApiTests(Testing.PostgresFixture postgres)
{
    private static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Fact]
    public async Task EachVerdictFollowsWhatDecidesTheUsersAccessNow()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, BillingTestKit.Settings);
        var client = new AuthTestClient(factory.CreateBareClient());
        var admin = await client.AdminAsync();
        var kit = new BillingTestKit(client, admin.Token);
        var user = await client.SignUpAsync();
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 2);

        var fresh = await ExplainAsync(client, admin.Token, user.UserId, agentId);
        Assert.Equal("org_member", fresh.GetProperty("user").GetProperty("roles")[0].GetString());
        Assert.Equal(1, fresh.GetProperty("sessions").GetProperty("count").GetInt32());
        Assert.Equal((200, null), Verdict(fresh, "sign-in"));
        Assert.Equal((200, null), Verdict(fresh, "signed-in requests"));
        Assert.Equal((403, "FORBIDDEN"), Verdict(fresh, "admin routes"));
        Assert.Equal((402, "PAYMENT_REQUIRED"), Verdict(fresh, "consume"));
        Assert.Contains("status none", Reason(fresh, "consume"), StringComparison.Ordinal);

        // Subscribed, then the renewal failed: 402 past_due, and the consume answer agrees.
        await kit.ActivateAsync(user.UserId, agentId, priceId, Now - 60, Now + 3600);
        Assert.Equal((200, null), Verdict(await ExplainAsync(client, admin.Token, user.UserId, agentId), "consume"));
        await kit.PostEventAsync(BillingTestKit.SubscriptionEvent("evt_" + Guid.NewGuid().ToString("N"), "customer.subscription.updated", Now + 1, user.UserId, agentId, priceId, "past_due", Now - 60, Now + 3600));
        var pastDue = await ExplainAsync(client, admin.Token, user.UserId, agentId);
        Assert.Equal((402, "PAYMENT_REQUIRED"), Verdict(pastDue, "consume"));
        Assert.StartsWith("status past_due since ", Reason(pastDue, "consume"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.PaymentRequired, (await kit.ConsumeAsync(user.Token, agentId)).StatusCode);
        Assert.Equal("past_due", pastDue.GetProperty("subscription").GetProperty("status").GetString());

        // The payment went through but its event was stored and never applied: the verdict names it; a replay fixes it.
        var stuck = "evt_stuck_" + Guid.NewGuid().ToString("N");
        await postgres.ScalarAsync<object>(
            "INSERT INTO stripe_events (id, type, created, payload, attempts, last_error) VALUES ($1, 'customer.subscription.updated', now(), $2::jsonb, 1, 'TimeoutException: the database did not answer') RETURNING 1",
            stuck, BillingTestKit.SubscriptionEvent(stuck, "customer.subscription.updated", Now + 2, user.UserId, agentId, priceId, "active", Now - 60, Now + 3600));
        var failed = await ExplainAsync(client, admin.Token, user.UserId, agentId);
        Assert.Contains($"Stripe event {stuck}", Reason(failed, "consume"), StringComparison.Ordinal);
        Assert.Contains("replay it", Reason(failed, "consume"), StringComparison.Ordinal);
        Assert.Equal(stuck, failed.GetProperty("stripeEvents")[0].GetProperty("id").GetString());
        Assert.True((await AuthTestClient.Json(await client.PostAsync($"/api/admin/stripe-events/{stuck}/replay", admin.Token))).GetProperty("processed").GetBoolean());
        Assert.Equal((200, null), Verdict(await ExplainAsync(client, admin.Token, user.UserId, agentId), "consume"));

        // The quota used up: 429 until the period ends.
        await kit.ConsumeAsync(user.Token, agentId, units: 2);
        var exhausted = await ExplainAsync(client, admin.Token, user.UserId, agentId);
        Assert.Equal((429, "QUOTA_EXCEEDED"), Verdict(exhausted, "consume"));
        Assert.StartsWith("used 2 of 2", Reason(exhausted, "consume"), StringComparison.Ordinal);

        // Promoted: admin routes open on the next request. All sessions revoked: 401. Banned: 403 everywhere.
        await client.PostAsync("/api/auth/admin/set-role", admin.Token, new { userId = user.UserId, role = "platform_admin" });
        Assert.Equal((200, null), Verdict(await ExplainAsync(client, admin.Token, user.UserId, agentId), "admin routes"));
        await client.PostAsync("/api/auth/admin/revoke-user-sessions", admin.Token, new { userId = user.UserId });
        var signedOut = await ExplainAsync(client, admin.Token, user.UserId, null);
        Assert.Equal((401, "UNAUTHORIZED"), Verdict(signedOut, "signed-in requests"));
        Assert.Equal(0, signedOut.GetProperty("sessions").GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.Null, signedOut.GetProperty("subscription").ValueKind);
        await client.PostAsync("/api/auth/admin/ban-user", admin.Token, new { userId = user.UserId, banReason = "chargebacks" });
        var banned = await ExplainAsync(client, admin.Token, user.UserId, agentId);
        Assert.Equal((403, "BANNED"), Verdict(banned, "sign-in"));
        Assert.Contains("chargebacks", Reason(banned, "consume"), StringComparison.Ordinal);
        Assert.Contains(banned.GetProperty("interactions").EnumerateArray(), i => i.GetProperty("kind").GetString() == "user_banned");
    }

    [Fact]
    public async Task AKeyWhoseCreatorLeftTheOrganizationIsExplainedAsHoldingNothingThere()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var admin = await client.AdminAsync();
        var owner = await client.SignUpAsync();
        var member = await client.SignUpAsync();
        var organizationId = await client.CreateOrganizationAsync(owner.Token);
        await client.PostAsync("/api/auth/organization/add-member", owner.Token, new { organizationId, userId = member.UserId, role = "admin" });
        var (secret, keyId) = await client.CreateApiKeyAsync(member.Token, new { name = "svc", organizationId, permissions = new { member = new[] { "create" } } });

        var before = await ExplainAsync(client, admin.Token, member.UserId, null);
        var key = Assert.Single(before.GetProperty("apiKeys").EnumerateArray());
        Assert.Equal("admin", key.GetProperty("creatorRoleInOrganization").GetString());
        Assert.Equal("create", key.GetProperty("permissions").GetProperty("member")[0].GetString());
        var request = $"api key {key.GetProperty("start").GetString()}…";
        Assert.Equal((200, null), Verdict(before, request));
        Assert.Equal(organizationId, Assert.Single(before.GetProperty("memberships").EnumerateArray()).GetProperty("organizationId").GetString());

        await client.PostAsync("/api/auth/organization/remove-member", owner.Token, new { organizationId, userId = member.UserId });

        var after = await ExplainAsync(client, admin.Token, member.UserId, null);
        Assert.Equal((403, "FORBIDDEN"), Verdict(after, request));
        Assert.Contains("no longer a member", Reason(after, request), StringComparison.Ordinal);
        Assert.Empty(after.GetProperty("memberships").EnumerateArray());

        // Support deletes it: only a platform admin may, and the key stops on its next request.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/api/auth/admin/delete-api-key", owner.Token, new { keyId })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/auth/admin/delete-api-key", admin.Token, new { keyId })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendWithKeyAsync(HttpMethod.Get, "/api/auth/api-key/list", secret)).StatusCode);
        Assert.Empty((await ExplainAsync(client, admin.Token, member.UserId, null)).GetProperty("apiKeys").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/auth/admin/delete-api-key", admin.Token, new { keyId })).StatusCode);
        Assert.Equal(1L, await postgres.ScalarAsync<long>(
            "SELECT count(*) FROM interactions WHERE user_id = $1 AND kind = 'api_key_deleted' AND (data->>'byAdmin')::boolean AND data->>'by' = $2", member.UserId, admin.UserId));
    }

    [Fact]
    public async Task OnlySupportReadMayAskAndBadInputIsAProblem()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var admin = await client.AdminAsync();
        var user = await client.SignUpAsync();

        using var forbidden = await client.GetAsync($"/api/admin/explain?userId={user.UserId}", user.Token);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("support:read", (await AuthTestClient.Json(forbidden)).GetProperty("details").GetProperty("required")[0].GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/admin/explain?userId={user.UserId}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/admin/explain?userId=nobody-" + Guid.NewGuid().ToString("N"), admin.Token)).StatusCode);
        foreach (var query in new[] { "", "?userId=", "?userId=" + new string('u', 300), $"?userId={user.UserId}&agentId=%07" })
        {
            using var bad = await client.GetAsync("/api/admin/explain" + query, admin.Token);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("VALIDATION_FAILED", (await AuthTestClient.Json(bad)).GetProperty("code").GetString());
        }
    }

    private static async Task<JsonElement> ExplainAsync(AuthTestClient client, string token, string userId, string? agentId)
    {
        using var response = await client.GetAsync($"/api/admin/explain?userId={userId}{(agentId is null ? "" : $"&agentId={agentId}")}", token);
        var body = await AuthTestClient.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body;
    }

    private static (int Status, string? Code) Verdict(JsonElement explained, string request)
    {
        var verdict = explained.GetProperty("verdicts").EnumerateArray().Single(v => v.GetProperty("request").GetString() == request);
        return (verdict.GetProperty("status").GetInt32(), verdict.GetProperty("code").GetString());
    }

    private static string Reason(JsonElement explained, string request) =>
        explained.GetProperty("verdicts").EnumerateArray().Single(v => v.GetProperty("request").GetString() == request).GetProperty("reason").GetString()!;
}
