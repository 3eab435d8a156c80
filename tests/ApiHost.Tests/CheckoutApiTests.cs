using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>POST /api/subscriptions/checkout against a local stand-in for Stripe's HTTP API.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CheckoutApiTests(Testing.PostgresFixture postgres) : IAsyncLifetime
{
    private readonly ConcurrentQueue<(IFormCollection Form, string Authorization)> _received = new();
    private WebApplication? _stripe;
    private string _apiBase = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _apiBase = $"http://127.0.0.1:{Testing.HostProcess.FreePort()}";
        builder.WebHost.UseUrls(_apiBase);
        _stripe = builder.Build();
        _stripe.MapPost("/v1/checkout/sessions", async (HttpContext context) =>
        {
            _received.Enqueue((await context.Request.ReadFormAsync(), context.Request.Headers.Authorization.ToString()));
            return Results.Json(new { id = "cs_test_1", url = "https://checkout.stripe.test/c/cs_test_1" });
        });
        await _stripe.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_stripe is not null)
        {
            await _stripe.DisposeAsync();
        }
    }

    [Fact]
    public async Task CheckoutCreatesAStripeSessionCarryingTheUserAndAgentInTheSubscriptionMetadata()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, new Dictionary<string, string?>
        {
            ["Stripe:ApiBase"] = _apiBase,
            ["Stripe:SecretKey"] = "sk_test_standin",
            ["FRONTEND_URL"] = "https://app.example.com",
        });
        var client = new AuthTestClient(factory.CreateBareClient());
        var admin = await client.AdminAsync();
        var user = await client.SignUpAsync();
        var (agentId, priceId) = await new BillingTestKit(client, admin.Token).AgentAsync(periodQuota: 10);

        using var response = await client.PostAsync("/api/subscriptions/checkout", user.Token, new { agentId });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://checkout.stripe.test/c/cs_test_1", (await AuthTestClient.Json(response)).GetProperty("url").GetString());
        var (form, authorization) = Assert.Single(_received);
        Assert.Equal("Bearer sk_test_standin", authorization);
        Assert.Equal("subscription", form["mode"].ToString());
        Assert.Equal(priceId, form["line_items[0][price]"].ToString());
        Assert.Equal(user.UserId, form["subscription_data[metadata][userId]"].ToString());
        Assert.Equal(agentId, form["subscription_data[metadata][agentId]"].ToString());
        Assert.Equal(user.UserId, form["client_reference_id"].ToString());
        Assert.StartsWith("https://app.example.com/", form["success_url"].ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/subscriptions/checkout", user.Token, new { agentId, priceId = "price_unknown" })).StatusCode);
    }
}
