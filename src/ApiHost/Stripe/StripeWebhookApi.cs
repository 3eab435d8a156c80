using System.Text.Json;
using Microsoft.Extensions.Options;
using Tollgate.ApiHost.Admin;
using Tollgate.ApiHost.Auth;
using Tollgate.ApiHost.Errors;
using Tollgate.ApiHost.Http;
using Tollgate.ApiHost.Billing;
using Tollgate.ApiHost.Telemetry;
using Tollgate.Grains.Access;
using Tollgate.Grains.Billing;

namespace Tollgate.ApiHost.Stripe;

/// <summary>Stripe webhooks and their operations (api.md, Stripe webhooks).</summary>
internal static class StripeWebhookApi
{
    public static IEndpointRouteBuilder MapStripeWebhookApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/stripe").WithTags("Stripe").WithCommonProblems()
            .MapPost("/webhook", ReceiveAsync).AllowAnyone()
            .WithName("StripeWebhook").WithSummary("Verifies, stores, then applies a Stripe event; 500 when applying failed (recorded), so Stripe retries.")
            .Produces<WebhookResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status500InternalServerError);
        var events = app.MapGroup("/api/admin/stripe-events").WithTags("Admin").WithMetadata(AdminAudited.Instance).WithCommonProblems();
        app.MapGroup("/api/admin").WithTags("Admin").WithMetadata(AdminAudited.Instance).WithCommonProblems().MapGet("/stripe-events", ListAsync).RequirePermission(PlatformAccess.StripeEventList)
            .WithName("ListStripeEvents").WithSummary("Stored Stripe events, newest first; processed=false for those not applied.")
            .Produces<StripeEventListResponse>().ProducesProblem(StatusCodes.Status400BadRequest);
        events.MapPost("/{id}/replay", ReplayAsync).RequirePermission(PlatformAccess.StripeEventReplay)
            .WithName("ReplayStripeEvent").WithSummary("Applies a stored event that is not processed yet.")
            .Produces<ReplayResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext context, IOptions<StripeOptions> options, IGrainFactory grains, TimeProvider clock)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var verdict = StripeSignature.Verify(
            context.Request.Headers["Stripe-Signature"].ToString(), body, options.Value.EffectiveWebhookSecrets, clock.GetUtcNow(), options.Value.WebhookToleranceSeconds);
        if (verdict != StripeSignatureResult.Valid)
        {
            StripeWebhookMetrics.InvalidSignature();
            return ApiError.InvalidSignature.ToResult($"The Stripe-Signature header does not verify ({verdict}).", new Dictionary<string, object?> { ["reason"] = verdict.ToString() });
        }

        string id, type;
        DateTimeOffset created;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            id = root.GetProperty("id").GetString() ?? throw new KeyNotFoundException("id");
            type = root.GetProperty("type").GetString() ?? throw new KeyNotFoundException("type");
            created = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("created").GetInt64());
            if (root.GetProperty("data").GetProperty("object").ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("data.object is not an object");
            }
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentOutOfRangeException)
        {
            StripeWebhookMetrics.Invalid(null);
            return ApiError.ValidationFailed.ToResult("The event is not a Stripe event: it needs id, type, created and data.object.");
        }

        if (id.Length is 0 or > 255)
        {
            StripeWebhookMetrics.Invalid(type);
            return ApiError.ValidationFailed.ToResult("The event id must be 1 to 255 characters.");
        }

        var outcome = await grains.GetGrain<IStripeEventGrain>(id).ReceiveAsync(type, created, System.Text.Encoding.UTF8.GetString(body));
        StripeWebhookMetrics.Received(type, outcome);
        if (outcome.Rejected is { } rejected)
        {
            return ApiError.ValidationFailed.ToResult("The event cannot be stored: " + rejected);
        }

        return outcome.Processed
            ? TypedResults.Ok(new WebhookResponse(true, outcome.Duplicate))
            : ApiError.Internal.ToResult("The event was stored but could not be applied; Stripe will retry, or replay it from the admin API.",
                new Dictionary<string, object?> { ["eventId"] = id, ["error"] = outcome.Error });
    }

    private static async Task<IResult> ListAsync(bool? processed, int? limit, IGrainFactory grains)
    {
        if (limit is < 1 or > 1000)
        {
            var validation = new RequestValidation();
            validation.Add("limit", "must be 1 to 1000");
            return validation.Problem();
        }

        return TypedResults.Ok(new StripeEventListResponse(await grains.GetGrain<IBillingDirectoryGrain>("billing").ListStripeEventsAsync(processed, limit ?? 100)));
    }

    private static async Task<IResult> ReplayAsync(string id, IGrainFactory grains)
    {
        var validation = new RequestValidation();
        var eventId = validation.Text("id", id, 255);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var outcome = await grains.GetGrain<IStripeEventGrain>(eventId!).ProcessAsync();
        return outcome.Found ? TypedResults.Ok(new ReplayResponse(eventId!, outcome.Processed, outcome.Error)) : ApiError.NotFound.ToResult("No such Stripe event.");
    }
}
