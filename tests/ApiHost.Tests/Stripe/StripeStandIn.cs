using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tollgate.ApiHost.Tests.Stripe;

/// <summary>
/// A local stand-in for Stripe's API on 127.0.0.1, shaped as Stripe.net 53.1.0 expects (200 with the object, or
/// Stripe's <c>{"error":{…}}</c>): <c>GET /v1/subscriptions/{id}</c> answers what the test says Stripe has now, and
/// records each request's headers.
/// </summary>
public sealed class StripeStandIn : IAsyncDisposable
{
    public const string SecretKey = "sk_test_tollgate_standin";

    private readonly ConcurrentDictionary<string, object> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Path, string Authorization, string Version)> _requests = new();
    private readonly WebApplication _app;

    private StripeStandIn(WebApplication app, string apiBase) => (_app, ApiBase) = (app, apiBase);

    public string ApiBase { get; }

    /// <summary>When set, every request is answered 500 (Stripe down); Stripe.net is told not to retry.</summary>
    public bool Failing { get; set; }

    /// <summary>The requests received, in order: path, Authorization, Stripe-Version.</summary>
    public IReadOnlyList<(string Path, string Authorization, string Version)> Requests => [.. _requests];

    /// <summary>The settings that point an API host at this stand-in (with the billing tests' webhook secret).</summary>
    public Dictionary<string, string?> Settings => new(BillingTestKit.Settings)
    {
        ["Stripe:ApiBase"] = ApiBase,
        ["Stripe:SecretKey"] = SecretKey,
        ["Stripe:MaxNetworkRetries"] = "0",
    };

    public static async Task<StripeStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var apiBase = $"http://127.0.0.1:{Testing.HostProcess.FreePort()}";
        builder.WebHost.UseUrls(apiBase);
        var app = builder.Build();
        var standIn = new StripeStandIn(app, apiBase);
        app.MapGet("/v1/subscriptions/{id}", (string id, HttpContext context) =>
        {
            standIn._requests.Enqueue((context.Request.Path, context.Request.Headers.Authorization.ToString(), context.Request.Headers["Stripe-Version"].ToString()));
            if (standIn.Failing)
            {
                context.Response.Headers["Stripe-Should-Retry"] = "false";
                return Results.Json(new { error = new { type = "api_error", message = "The stand-in is down." } }, statusCode: 500);
            }

            return standIn._subscriptions.TryGetValue(id, out var subscription)
                ? Results.Json(subscription)
                : Results.Json(new { error = new { type = "invalid_request_error", code = "resource_missing", message = $"No such subscription: '{id}'" } }, statusCode: 404);
        });
        await app.StartAsync();
        return standIn;
    }

    /// <summary>What Stripe has now for <paramref name="id"/>: a subscription object of API 2026-10-28.endive.</summary>
    public void Subscription(string id, string userId, string agentId, string priceId, string status, long periodStart, long periodEnd) =>
        _subscriptions[id] = new Dictionary<string, object>
        {
            ["id"] = id,
            ["object"] = "subscription",
            ["customer"] = "cus_standin",
            ["status"] = status,
            ["cancel_at_period_end"] = false,
            ["metadata"] = new Dictionary<string, string> { ["userId"] = userId, ["agentId"] = agentId },
            ["items"] = new Dictionary<string, object>
            {
                ["object"] = "list",
                ["data"] = new[]
                {
                    new Dictionary<string, object>
                    {
                        ["id"] = "si_" + id, ["object"] = "subscription_item", ["subscription"] = id,
                        ["price"] = new Dictionary<string, object> { ["id"] = priceId, ["object"] = "price" },
                        ["current_period_start"] = periodStart, ["current_period_end"] = periodEnd,
                    },
                },
            },
        };

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
