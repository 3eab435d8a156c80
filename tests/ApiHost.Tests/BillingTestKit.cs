using System.Net;
using System.Text;
using System.Text.Json;
using Tollgate.ApiHost.Stripe;
using Tollgate.ApiHost.Tests.Stripe;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>Agents, Stripe events and consumption as the billing tests drive them.</summary>
internal sealed class BillingTestKit(AuthTestClient client, string adminToken)
{
    public const string WebhookSecret = "whsec_test_tollgate_billing";

    public static readonly Dictionary<string, string?> Settings = new() { ["Stripe:WebhookSecrets:0"] = WebhookSecret };

    public AuthTestClient Client => client;

    /// <summary>A kit for <paramref name="factory"/>'s host, acting as its bootstrap admin, and a freshly signed-up user.</summary>
    public static async Task<(BillingTestKit Kit, AuthTestClient.SignedIn User)> StartAsync(TollgateApiFactory factory)
    {
        var client = new AuthTestClient(factory.CreateBareClient());
        var admin = await client.AdminAsync();
        return (new BillingTestKit(client, admin.Token), await client.SignUpAsync());
    }

    /// <summary>Creates an agent with one plan; returns its id and price id.</summary>
    public async Task<(string AgentId, string PriceId)> AgentAsync(long periodQuota, string? organizationId = null)
    {
        var agentId = "agent-" + Guid.NewGuid().ToString("N")[..10];
        var priceId = "price_" + Guid.NewGuid().ToString("N")[..10];
        using var response = await client.SendAsync(HttpMethod.Put, $"/api/admin/agents/{agentId}", adminToken,
            new { name = "Agent " + agentId, organizationId, plans = new[] { new { stripePriceId = priceId, periodQuota } } });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (agentId, priceId);
    }

    /// <summary>Makes <paramref name="userId"/>'s subscription to the agent active until <paramref name="periodEnd"/> (unix s), through a signed webhook sent at the period's start.</summary>
    public async Task ActivateAsync(string userId, string agentId, string priceId, long periodStart, long periodEnd)
    {
        using var response = await PostEventAsync(SubscriptionEvent(
            "evt_" + Guid.NewGuid().ToString("N"), "customer.subscription.created", periodStart, userId, agentId, priceId, "active", periodStart, periodEnd));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A <c>customer.subscription.*</c> event as Stripe sends it (API 2025+: the period lives on the item).</summary>
    public static string SubscriptionEvent(
        string eventId, string type, long created, string userId, string agentId, string priceId, string status, long periodStart, long periodEnd,
        string subscriptionId = "sub_test") =>
        Tollgate.LoadTest.Seeding.StripeSubscriptionEvent.Json(eventId, type, created, userId, agentId, priceId, status, periodStart, periodEnd, subscriptionId, "cus_test");

    /// <summary>Posts an event signed as Stripe signs it (by Stripe.net, which the npm package's verifier accepts).</summary>
    public Task<HttpResponseMessage> PostEventAsync(string payload, string secret = WebhookSecret, long? timestamp = null) =>
        PostSignedAsync(payload, Sign(secret, timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds(), payload));

    /// <summary>The <c>Stripe-Signature</c> header Stripe would send: Stripe.net's.</summary>
    public static string Sign(string secret, long timestamp, string payload) => global::Stripe.EventUtility.GenerateSignatureHeader(payload, secret, timestamp);

    /// <summary>Posts an event signed by the npm <c>stripe</c> package's <c>generateTestHeaderString</c>.</summary>
    public async Task<HttpResponseMessage> PostNpmSignedEventAsync(string payload)
    {
        await NodeScript.EnsurePackageAsync("stripe");
        var (exitCode, stdout, stderr) = await NodeScript.RunAsync("node", ["stripe-sign.mjs"],
            JsonSerializer.Serialize(new { mode = "sign", payload, secret = WebhookSecret }), TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, stdout + stderr);
        return await PostSignedAsync(payload, stdout.Trim());
    }

    public async Task<HttpResponseMessage> PostSignedAsync(string payload, string? header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/stripe/webhook") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", header);
        }

        return await client.Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> ConsumeAsync(string token, string agentId, long units = 1, string? idempotencyKey = null, string? userId = null) =>
        client.PostAsync("/api/quota/consume", token, new { agentId, units, idempotencyKey, userId });
}
