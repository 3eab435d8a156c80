using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.ApiHost.Stripe;
using Xunit;

namespace Tollgate.ApiHost.Tests.Stripe;

/// <summary><see cref="StripeApiClient"/> against a local stand-in for Stripe's API that records what it receives.</summary>
public sealed class StripeApiClientTests : IAsyncLifetime
{
    private const string SecretKey = "sk_test_tollgate_51Hx";

    private readonly List<RecordedRequest> _requests = [];
    private WebApplication? _stripe;
    private string _apiBase = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        _apiBase = $"http://127.0.0.1:{Testing.HostProcess.FreePort()}";
        builder.WebHost.UseUrls(_apiBase);
        _stripe = builder.Build();
        _stripe.MapPost("/v1/checkout/sessions", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            var request = new RecordedRequest(
                context.Request.ContentType ?? "",
                context.Request.Headers.Authorization.ToString(),
                context.Request.Headers["Idempotency-Key"].ToString(),
                form.ToDictionary(field => field.Key, field => field.Value.ToString(), StringComparer.Ordinal));
            lock (_requests)
            {
                _requests.Add(request);
            }

            if (request.Form.GetValueOrDefault("line_items[0][price]") == "price_missing")
            {
                context.Response.Headers["Request-Id"] = "req_test_42";
                return Results.Json(new { error = new { message = "No such price: 'price_missing'", type = "invalid_request_error", code = "resource_missing" } },
                    statusCode: 400);
            }

            return Results.Json(new { id = "cs_test_1", @object = "checkout.session", url = "https://checkout.stripe.test/c/cs_test_1" });
        });
        await _stripe.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_stripe is not null)
        {
            await _stripe.DisposeAsync();
        }
    }

    [Fact]
    public async Task CreatesASubscriptionSessionWithStripesFormFieldsTheSecretKeyAndTheIdempotencyKey()
    {
        var client = Client(_apiBase);

        var session = await client.CreateSubscriptionCheckoutAsync(Request("price_1Agent"), CancellationToken.None);

        Assert.Equal(new CheckoutSession("cs_test_1", "https://checkout.stripe.test/c/cs_test_1"), session);
        var request = Assert.Single(_requests);
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType, StringComparison.Ordinal);
        Assert.Equal($"Bearer {SecretKey}", request.Authorization);
        Assert.Equal("checkout:user_1:agent_9:v1", request.IdempotencyKey);
        Assert.Equal(new Dictionary<string, string>
        {
            ["mode"] = "subscription",
            ["line_items[0][price]"] = "price_1Agent",
            ["line_items[0][quantity]"] = "1",
            ["success_url"] = "https://market.example/agents/agent_9?checkout=success&session_id={CHECKOUT_SESSION_ID}",
            ["cancel_url"] = "https://market.example/agents/agent_9?checkout=cancel",
            ["client_reference_id"] = "user_1",
            ["customer_email"] = "zoë+stripe@example.com",
            ["metadata[userId]"] = "user_1",
            ["metadata[agentId]"] = "agent_9",
            ["subscription_data[metadata][userId]"] = "user_1",
            ["subscription_data[metadata][agentId]"] = "agent_9",
        }, request.Form);
    }

    [Fact]
    public async Task OmitsTheCustomerEmailWhenThereIsNone()
    {
        await Client(_apiBase + "/").CreateSubscriptionCheckoutAsync(Request("price_1Agent") with { CustomerEmail = null },
            CancellationToken.None);

        Assert.DoesNotContain("customer_email", Assert.Single(_requests).Form.Keys);
    }

    [Fact]
    public async Task AStripeErrorBecomesAStripeApiExceptionWithStripesMessage()
    {
        var error = await Assert.ThrowsAsync<StripeApiException>(() =>
            Client(_apiBase).CreateSubscriptionCheckoutAsync(Request("price_missing"), CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("No such price: 'price_missing'", error.Message);
        Assert.Equal("invalid_request_error", error.Type);
        Assert.Equal("resource_missing", error.Code);
        Assert.Equal("req_test_42", error.RequestId);
    }

    [Fact]
    public async Task WithoutASecretKeyNothingIsSent()
    {
        var client = new StripeApiClient(new HttpClient(), Options.Create(new StripeOptions { ApiBase = _apiBase }));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            client.CreateSubscriptionCheckoutAsync(Request("price_1Agent"), CancellationToken.None));

        Assert.Contains("Stripe:SecretKey is not configured", error.Message, StringComparison.Ordinal);
        Assert.Empty(_requests);
    }

    [Fact]
    public async Task TheRegisteredTypedClientReadsTheStripeSectionAndTimesOutAfter15Seconds()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Stripe:ApiBase"] = _apiBase,
            ["Stripe:SecretKey"] = SecretKey,
        }).Build();
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddTollgateStripe()
            .BuildServiceProvider(validateScopes: true);

        var client = services.GetRequiredService<StripeApiClient>();
        var session = await client.CreateSubscriptionCheckoutAsync(Request("price_1Agent"), CancellationToken.None);

        Assert.Equal("cs_test_1", session.Id);
        Assert.Equal($"Bearer {SecretKey}", Assert.Single(_requests).Authorization);
        Assert.Equal(TimeSpan.FromSeconds(15), StripeApiClient.Timeout);
    }

    private static StripeApiClient Client(string apiBase) =>
        new(new HttpClient(), Options.Create(new StripeOptions { ApiBase = apiBase, SecretKey = SecretKey }));

    private static CheckoutRequest Request(string priceId) => new(
        priceId,
        "user_1",
        "agent_9",
        "zoë+stripe@example.com",
        "https://market.example/agents/agent_9?checkout=success&session_id={CHECKOUT_SESSION_ID}",
        "https://market.example/agents/agent_9?checkout=cancel",
        "checkout:user_1:agent_9:v1");

    private sealed record RecordedRequest(string ContentType, string Authorization, string IdempotencyKey, Dictionary<string, string> Form);
}
