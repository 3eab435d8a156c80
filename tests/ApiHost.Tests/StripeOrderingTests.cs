using System.Net;
using Tollgate.ApiHost.Tests.Stripe;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>
/// Events Stripe's <c>created</c> cannot order (one-second resolution; Stripe advises not to order by it): the
/// subscription is fetched through Stripe.net from a local stand-in and that is applied (issue 14).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StripeOrderingTests(Testing.PostgresFixture postgres)
{
    private static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwoEventsInOneSecondEndAsStripeHasTheSubscriptionInEitherOrder(bool canceledFirst)
    {
        await using var stripe = await StripeStandIn.StartAsync();
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, stripe.Settings);
        var (kit, user) = await BillingTestKit.StartAsync(factory);
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 10);
        var subscriptionId = "sub_" + Guid.NewGuid().ToString("N")[..12];
        // Stripe has it canceled now: the update to active and the deletion happened in the same second.
        stripe.Subscription(subscriptionId, user.UserId, agentId, priceId, "canceled", Now - 60, Now + 3600);
        var active = Event("customer.subscription.updated", "active");
        var canceled = Event("customer.subscription.deleted", "canceled");

        foreach (var payload in canceledFirst ? new[] { canceled, active } : [active, canceled])
        {
            using var delivered = await kit.PostEventAsync(payload);
            Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        }

        Assert.Equal("canceled", await StatusAsync(user.UserId, agentId));
        Assert.Equal(HttpStatusCode.PaymentRequired, (await kit.ConsumeAsync(user.Token, agentId)).StatusCode);
        var fetch = Assert.Single(stripe.Requests);
        Assert.Equal($"/v1/subscriptions/{subscriptionId}", fetch.Path);
        Assert.Equal($"Bearer {StripeStandIn.SecretKey}", fetch.Authorization);
        Assert.Equal(global::Stripe.StripeConfiguration.ApiVersion, fetch.Version);
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM stripe_events WHERE payload->'data'->'object'->>'id' = $1 AND processed_at IS NULL", subscriptionId));

        string Event(string type, string status) => BillingTestKit.SubscriptionEvent(
            "evt_" + Guid.NewGuid().ToString("N"), type, Now, user.UserId, agentId, priceId, status, Now - 60, Now + 3600, subscriptionId);
    }

    [Fact]
    public async Task AStatusGoingBackwardsInALaterSecondIsCheckedWithStripeToo()
    {
        await using var stripe = await StripeStandIn.StartAsync();
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, stripe.Settings);
        var (kit, user) = await BillingTestKit.StartAsync(factory);
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 10);
        var subscriptionId = "sub_" + Guid.NewGuid().ToString("N")[..12];
        await kit.PostEventAsync(BillingTestKit.SubscriptionEvent("evt_" + Guid.NewGuid().ToString("N"), "customer.subscription.deleted", Now, user.UserId, agentId, priceId, "canceled", Now - 60, Now + 3600, subscriptionId));
        Assert.Empty(stripe.Requests);

        // Stripe says it is still canceled: the "active" a second later is not believed.
        stripe.Subscription(subscriptionId, user.UserId, agentId, priceId, "canceled", Now - 60, Now + 3600);
        using var revived = await kit.PostEventAsync(BillingTestKit.SubscriptionEvent("evt_" + Guid.NewGuid().ToString("N"), "customer.subscription.updated", Now + 1, user.UserId, agentId, priceId, "active", Now - 60, Now + 3600, subscriptionId));

        Assert.Equal(HttpStatusCode.OK, revived.StatusCode);
        Assert.Single(stripe.Requests);
        Assert.Equal("canceled", await StatusAsync(user.UserId, agentId));
    }

    [Fact]
    public async Task WhenStripeCannotBeAskedTheEventIsRecordedAnswered500AndAReplayAppliesItLater()
    {
        await using var stripe = await StripeStandIn.StartAsync();
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, stripe.Settings);
        var (kit, user) = await BillingTestKit.StartAsync(factory);
        var admin = await kit.Client.AdminAsync();
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 10);
        var subscriptionId = "sub_" + Guid.NewGuid().ToString("N")[..12];
        await kit.PostEventAsync(BillingTestKit.SubscriptionEvent("evt_" + Guid.NewGuid().ToString("N"), "customer.subscription.created", Now, user.UserId, agentId, priceId, "active", Now - 60, Now + 3600, subscriptionId));
        stripe.Failing = true;
        var pastDue = "evt_" + Guid.NewGuid().ToString("N");

        using var failed = await kit.PostEventAsync(BillingTestKit.SubscriptionEvent(pastDue, "customer.subscription.updated", Now, user.UserId, agentId, priceId, "past_due", Now - 60, Now + 3600, subscriptionId));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Contains("fetching subscription", await postgres.ScalarAsync<string>("SELECT last_error FROM stripe_events WHERE id = $1 AND processed_at IS NULL", pastDue));
        Assert.Equal("active", await StatusAsync(user.UserId, agentId));

        stripe.Failing = false;
        stripe.Subscription(subscriptionId, user.UserId, agentId, priceId, "past_due", Now - 60, Now + 3600);
        var replay = await AuthTestClient.Json(await kit.Client.PostAsync($"/api/admin/stripe-events/{pastDue}/replay", admin.Token));
        Assert.True(replay.GetProperty("processed").GetBoolean(), replay.ToString());
        Assert.Equal("past_due", await StatusAsync(user.UserId, agentId));
    }

    [Fact]
    public async Task WithoutAStripeKeyAnEventInTheSameSecondAppliesButNeverMovesBackwards()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, BillingTestKit.Settings);
        var (kit, user) = await BillingTestKit.StartAsync(factory);
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 10);

        foreach (var status in new[] { "active", "past_due", "canceled", "active", "incomplete" })
        {
            using var delivered = await kit.PostEventAsync(BillingTestKit.SubscriptionEvent(
                "evt_" + Guid.NewGuid().ToString("N"), "customer.subscription.updated", Now, user.UserId, agentId, priceId, status, Now - 60, Now + 3600));
            Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        }

        Assert.Equal("canceled", await StatusAsync(user.UserId, agentId));
    }

    [Theory]
    [InlineData("2024-06-20", "ApiVersion")]
    [InlineData("2024-09-30.acacia", "ApiVersion")]
    [InlineData("", "ApiVersion")]
    [InlineData("2025-03-31.basil", null)]
    [InlineData("2026-07-29.dahlia", null)]
    [InlineData("2026-12-16.endive", null)]
    public async Task EventsOfApiVersionsWhoseShapesTollgateReadsAreAppliedOthersRefusedWithAReason(string version, string? reason)
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, BillingTestKit.Settings);
        var (kit, user) = await BillingTestKit.StartAsync(factory);
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 10);
        var eventId = "evt_" + Guid.NewGuid().ToString("N");
        var pinned = global::Stripe.StripeConfiguration.ApiVersion;
        var payload = BillingTestKit.SubscriptionEvent(eventId, "customer.subscription.created", Now, user.UserId, agentId, priceId, "active", Now - 60, Now + 3600)
            .Replace($"\"api_version\":\"{pinned}\"", version.Length == 0 ? "\"api_version\":null" : $"\"api_version\":\"{version}\"", StringComparison.Ordinal);
        Assert.Contains(version.Length == 0 ? "\"api_version\":null" : version, payload, StringComparison.Ordinal);

        using var response = await kit.PostEventAsync(payload);

        if (reason is null)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("active", await StatusAsync(user.UserId, agentId));
            return;
        }

        var problem = await AuthTestClient.Json(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("VALIDATION_FAILED", problem.GetProperty("code").GetString());
        Assert.Equal(reason, problem.GetProperty("details").GetProperty("reason").GetString());
        Assert.Contains(global::Stripe.StripeConfiguration.ApiVersion, problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM stripe_events WHERE id = $1", eventId));
    }

    private async Task<string?> StatusAsync(string userId, string agentId) =>
        await postgres.ScalarAsync<string>("SELECT status FROM user_agent_subscriptions WHERE user_id = $1 AND agent_id = $2", userId, agentId);
}
