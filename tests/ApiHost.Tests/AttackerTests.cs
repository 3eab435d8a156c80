using System.Net;
using System.Text;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>
/// Issue 14, tried as an attacker would after the move to Stripe.net and creator-bound keys: captured, replayed,
/// tampered, forged and oversized webhooks, and keys used against organizations they do not belong to. Each is
/// refused (or acknowledged as the duplicate it is) and changes nothing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AttackerTests(Testing.PostgresFixture postgres)
{
    private static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Fact]
    public async Task ACapturedWebhookReplayedLaterChangesNothingAndOnceStaleIsRefused()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, BillingTestKit.Settings);
        var (kit, user) = await BillingTestKit.StartAsync(factory);
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 10);
        var captured = BillingTestKit.SubscriptionEvent("evt_" + Guid.NewGuid().ToString("N"), "customer.subscription.created", Now, user.UserId, agentId, priceId, "active", Now - 60, Now + 3600);
        var header = BillingTestKit.Sign(BillingTestKit.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), captured);
        Assert.Equal(HttpStatusCode.OK, (await kit.PostSignedAsync(captured, header)).StatusCode);
        await kit.PostEventAsync(BillingTestKit.SubscriptionEvent("evt_" + Guid.NewGuid().ToString("N"), "customer.subscription.deleted", Now + 5, user.UserId, agentId, priceId, "canceled", Now - 60, Now + 3600));
        var before = await SnapshotAsync(user.UserId, agentId);

        // The same bytes and header again, inside the tolerance: a duplicate, acknowledged, nothing applied.
        using var replayed = await kit.PostSignedAsync(captured, header);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.True((await AuthTestClient.Json(replayed)).GetProperty("duplicate").GetBoolean());
        // Re-signed under a new id by someone without the secret: refused. Captured long ago: refused as stale.
        var renamed = captured.Replace("\"id\":\"evt_", "\"id\":\"evt_x", StringComparison.Ordinal);
        foreach (var (payload, signature, reason) in new[]
        {
            (renamed, header, "Mismatch"),
            (renamed, BillingTestKit.Sign("whsec_guessed", DateTimeOffset.UtcNow.ToUnixTimeSeconds(), renamed), "Mismatch"),
            (captured, BillingTestKit.Sign(BillingTestKit.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 301, captured), "Stale"),
            (captured, header.Replace("v1=", "v0=", StringComparison.Ordinal), "NoSignature"),
            (captured, header.ToUpperInvariant(), "Malformed"),
        })
        {
            using var refused = await kit.PostSignedAsync(payload, signature);
            var problem = await AuthTestClient.Json(refused);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("INVALID_SIGNATURE", problem.GetProperty("code").GetString());
            Assert.Equal(reason, problem.GetProperty("details").GetProperty("reason").GetString());
        }

        Assert.Equal(before, await SnapshotAsync(user.UserId, agentId));
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM stripe_events WHERE id LIKE 'evt_x%'"));
    }

    [Fact]
    public async Task AnOversizedOrNonUtf8WebhookIsRefusedBeforeAnythingIsStored()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, BillingTestKit.Settings);
        var (kit, user) = await BillingTestKit.StartAsync(factory);
        var eventId = "evt_" + Guid.NewGuid().ToString("N");
        var padded = BillingTestKit.SubscriptionEvent(eventId, "customer.subscription.created", Now, user.UserId, "agent-x", "price_x", "active", Now, Now + 60)
            .Replace("\"status\":", $"\"padding\":\"{new string('p', 1_100_000)}\",\"status\":", StringComparison.Ordinal);

        using var oversized = await kit.PostEventAsync(padded);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        Assert.Equal("PAYLOAD_TOO_LARGE", (await AuthTestClient.Json(oversized)).GetProperty("code").GetString());

        // Bytes that are not UTF-8, signed over those very bytes: they cannot be the text Stripe.net verifies.
        var body = Encoding.UTF8.GetBytes(BillingTestKit.SubscriptionEvent(eventId, "customer.subscription.created", Now, user.UserId, "agent-x", "price_x", "active", Now, Now + 60));
        body[body.Length - 2] = 0xFF;
        var signature = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(BillingTestKit.WebhookSecret), (byte[])[.. Encoding.ASCII.GetBytes($"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}."), .. body]));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/stripe/webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation("Stripe-Signature", $"t={DateTimeOffset.UtcNow.ToUnixTimeSeconds()},v1={signature}");
        using var garbled = await kit.Client.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, garbled.StatusCode);

        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM stripe_events WHERE id = $1", eventId));
    }

    [Fact]
    public async Task AKeyOfOneOrganizationHasNoPowerInAnother()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var owner = await client.SignUpAsync();
        var victim = await client.SignUpAsync();
        var outsider = await client.SignUpAsync();
        var mine = await client.CreateOrganizationAsync(owner.Token);
        var theirs = await client.CreateOrganizationAsync(victim.Token);
        var (key, _) = await client.CreateApiKeyAsync(owner.Token, new { name = "mine", organizationId = mine });
        var members = await postgres.ScalarAsync<long>("SELECT count(*) FROM members WHERE organization_id = $1", theirs);

        using var has = await client.SendWithKeyAsync(HttpMethod.Post, "/api/auth/organization/has-permission", key, new { permissions = new { ac = new[] { "read" } }, organizationId = theirs });
        Assert.False((await AuthTestClient.Json(has)).GetProperty("success").GetBoolean());
        foreach (var (path, body) in new (string, object)[]
        {
            ("/api/auth/organization/add-member", new { organizationId = theirs, userId = outsider.UserId, role = "admin" }),
            ("/api/auth/organization/update-member-role", new { organizationId = theirs, userId = victim.UserId, role = "member" }),
            ("/api/auth/organization/remove-member", new { organizationId = theirs, userId = victim.UserId }),
        })
        {
            using var refused = await client.SendWithKeyAsync(HttpMethod.Post, path, key, body);
            Assert.True(refused.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{path}: {(int)refused.StatusCode}");
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        using var full = await client.SendWithKeyAsync(HttpMethod.Get, $"/api/auth/organization/get-full-organization?organizationId={theirs}", key);
        Assert.Equal(HttpStatusCode.NotFound, full.StatusCode);
        Assert.Equal(members, await postgres.ScalarAsync<long>("SELECT count(*) FROM members WHERE organization_id = $1", theirs));
        Assert.Equal("owner", await postgres.ScalarAsync<string>("SELECT role FROM members WHERE organization_id = $1 AND user_id = $2", theirs, victim.UserId));
    }

    private async Task<string?> SnapshotAsync(string userId, string agentId) => await postgres.ScalarAsync<string>(
        "SELECT concat_ws('|', status, quota_used, current_period_end, (SELECT count(*) FROM stripe_events), (SELECT count(*) FROM interactions WHERE user_id = $1)) " +
        "FROM user_agent_subscriptions WHERE user_id = $1 AND agent_id = $2", userId, agentId);
}
