using System.Net;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Identity;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.ApiHost.Tests.Operations;

/// <summary>
/// <c>GET /metrics</c> of a real API host process (embedded silo), read strictly as Prometheus text after sign-ups,
/// sign-ins, refusals, consumes and webhooks went through the API: every series counts what the API answered.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MetricsTests(PostgresFixture postgres)
{
    private const string Requests = "tollgate_http_server_request_duration_seconds_count";
    private const string WebhookEvents = "tollgate_stripe_webhook_events_total";
    private const string ConsumeRequests = "tollgate_quota_consume_requests_total";

    [Fact]
    public async Task MetricsCountRequestsByRouteTemplateAndCodeQuotaUnitsWebhookOutcomesGrainCallsAndOneMember()
    {
        var adminEmail = AuthTestClient.NewEmail("metrics-admin");
        await using var host = ApiHostProcess.Start(Path.GetTempPath(), TelemetryHosts.EmbeddedHost(postgres.ConnectionString, adminEmail));
        await host.WaitReadyAsync(TelemetryHosts.Deadline);
        // No cookie jar: each request carries exactly the credential the test gives it (or none).
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var client = new AuthTestClient(http);
        var before = await TelemetryHosts.ScrapeAsync(http, "/metrics");

        var admin = await client.SignUpAsync(adminEmail);
        var userEmail = AuthTestClient.NewEmail("metrics-user");
        var user = await client.SignUpAsync(userEmail);
        await client.SignInAsync(userEmail);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client.GetAsync("/api/auth/list-sessions", null)));
        var kit = new BillingTestKit(client, admin.Token);
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 3);
        Assert.Equal(HttpStatusCode.PaymentRequired, await StatusAsync(kit.ConsumeAsync(user.Token, agentId)));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var created = BillingTestKit.SubscriptionEvent(NewEventId(), "customer.subscription.created", now, user.UserId, agentId, priceId, "active", now - 60, now + 3600);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(kit.PostEventAsync(created)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(kit.PostEventAsync(created)));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(kit.PostEventAsync(created, secret: "whsec_not_the_configured_one")));
        var unhandled = BillingTestKit.SubscriptionEvent(NewEventId(), "customer.created", now, user.UserId, agentId, priceId, "active", now - 60, now + 3600);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(kit.PostEventAsync(unhandled)));
        long acknowledged = 0;
        foreach (var (units, key, expected) in new[] { (2L, "k1", HttpStatusCode.OK), (1L, "k2", HttpStatusCode.OK), (1L, "k3", HttpStatusCode.TooManyRequests), (2L, "k1", HttpStatusCode.OK) })
        {
            using var response = await kit.ConsumeAsync(user.Token, agentId, units, key);
            Assert.Equal(expected, response.StatusCode);
            var replayed = expected == HttpStatusCode.OK && (await AuthTestClient.Json(response)).GetProperty("replayed").GetBoolean();
            acknowledged += expected == HttpStatusCode.OK && !replayed ? units : 0;
        }

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client.GetAsync($"/api/quota/{agentId}", user.Token)));
        var after = await TelemetryHosts.ScrapeAsync(http, "/metrics");
        double Delta(string name, params (string, string)[] labels) => after.Value(name, labels) - before.Value(name, labels);

        Assert.Equal("histogram", after.Types["tollgate_http_server_request_duration_seconds"]);
        Assert.Equal(3, Delta(Requests, ("route", "/api/quota/consume"), ("method", "POST"), ("code", "200")));
        Assert.Equal(1, Delta(Requests, ("route", "/api/quota/consume"), ("method", "POST"), ("code", "402")));
        Assert.Equal(1, Delta(Requests, ("route", "/api/quota/consume"), ("method", "POST"), ("code", "429")));
        Assert.Equal(1, Delta(Requests, ("route", "/api/auth/list-sessions"), ("method", "GET"), ("code", "401")));
        Assert.Equal(2, Delta(Requests, ("route", "/api/auth/sign-up/email"), ("method", "POST"), ("code", "200")));
        Assert.Equal(1, Delta(Requests, ("route", "/api/quota/{agentId}"), ("method", "GET"), ("code", "200")));
        Assert.Equal(1, Delta(Requests, ("route", "/api/stripe/webhook"), ("method", "POST"), ("code", "400")));
        Assert.True(after.Contains(Requests, ("route", "/metrics"), ("code", "200")), "the first scrape is counted, under its route");
        Assert.DoesNotContain(after.Samples, s => s.Labels.Values.Any(v => v.Contains(agentId, StringComparison.Ordinal)));

        Assert.Equal("counter", after.Types["tollgate_quota_consumed_total"]);
        Assert.Equal(3, acknowledged);
        Assert.Equal(acknowledged, Delta("tollgate_quota_consumed_total"));
        Assert.Equal(2, Delta(ConsumeRequests, ("outcome", "ok")));
        Assert.Equal(1, Delta(ConsumeRequests, ("outcome", "replayed")));
        Assert.Equal(1, Delta(ConsumeRequests, ("outcome", "payment_required")));
        Assert.Equal(1, Delta(ConsumeRequests, ("outcome", "quota_exceeded")));

        Assert.Equal(1, Delta(WebhookEvents, ("type", "customer.subscription.created"), ("outcome", "applied")));
        Assert.Equal(1, Delta(WebhookEvents, ("type", "customer.subscription.created"), ("outcome", "duplicate")));
        Assert.Equal(1, Delta(WebhookEvents, ("type", "unknown"), ("outcome", "invalid_signature")));
        Assert.Equal(1, Delta(WebhookEvents, ("type", "other"), ("outcome", "ignored")));

        var subscriptionGrain = typeof(ISubscriptionGrain).FullName!;
        Assert.True(Delta("tollgate_grain_call_duration_seconds_count", ("interface", subscriptionGrain), ("outcome", "ok")) >= 4, "consumes and the webhook called the subscription grain");
        Assert.True(after.Value("tollgate_grain_activations", ("type", subscriptionGrain)) >= 1);
        Assert.True(after.Value("tollgate_grain_activations", ("type", typeof(IUserGrain).FullName!)) >= 2);
        Assert.Equal(1, after.Value("tollgate_cluster_members", ("status", "active")));
        Assert.Equal(1, after.Value("tollgate_cluster_members"));
    }

    private static string NewEventId() => "evt_" + Guid.NewGuid().ToString("N");

    private static async Task<HttpStatusCode> StatusAsync(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        return response.StatusCode;
    }
}
