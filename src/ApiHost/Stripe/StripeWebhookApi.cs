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

    private static async Task<IResult> ReceiveAsync(
        HttpContext context, IOptions<StripeOptions> options, IGrainFactory grains, StripeApiClient stripe, TimeProvider clock, ILogger<StripeApiClient> logger)
    {
        // Kestrel refuses bodies over the limit; this holds behind any server (and before a byte is verified or stored).
        if (await ReadBoundedAsync(context) is not { } buffer)
        {
            StripeWebhookMetrics.Invalid(null);
            return ApiError.PayloadTooLarge.ToResult($"A webhook body may be at most {ApiLimits.MaxRequestBodyBytes} bytes.");
        }

        // Stripe signs the body's bytes; Stripe.net checks a string. Bytes that are not UTF-8 decode to U+FFFD, which
        // encodes back to other bytes, so such a body cannot verify (and Stripe never sends one).
        string body;
        using (buffer)
        {
            body = System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        var verdict = StripeWebhookVerifier.Verify(
            context.Request.Headers["Stripe-Signature"].ToString(), body, options.Value.EffectiveWebhookSecrets, clock.GetUtcNow(), options.Value.WebhookToleranceSeconds);
        if (verdict != StripeSignatureResult.Valid)
        {
            StripeWebhookMetrics.InvalidSignature();
            return ApiError.InvalidSignature.ToResult($"The Stripe-Signature header does not verify ({verdict}).", new Dictionary<string, object?> { ["reason"] = verdict.ToString() });
        }

        global::Stripe.Event stripeEvent;
        try
        {
            stripeEvent = StripeEventParser.Read(body);
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or global::Stripe.StripeException or ArgumentException or InvalidOperationException or FormatException)
        {
            StripeWebhookMetrics.Invalid(null);
            return Refused("NotAnEvent", "The body is not a Stripe event: " + exception.Message);
        }

        if (stripeEvent is not { Id.Length: > 0, Type.Length: > 0 } || stripeEvent.Created == default)
        {
            StripeWebhookMetrics.Invalid(stripeEvent?.Type);
            return Refused("NotAnEvent", "The event is not a Stripe event: it needs id, type, created and data.object.");
        }

        if (stripeEvent.Id.Length > 255)
        {
            StripeWebhookMetrics.Invalid(stripeEvent.Type);
            return Refused("NotAnEvent", "The event id must be 1 to 255 characters.");
        }

        if (StripeApiVersions.Refusal(stripeEvent.ApiVersion) is { } versionRefusal)
        {
            StripeWebhookMetrics.Invalid(stripeEvent.Type);
            return Refused("ApiVersion", versionRefusal);
        }

        if (StripeEventParser.Problem(stripeEvent) is { } problem)
        {
            StripeWebhookMetrics.Invalid(stripeEvent.Type);
            return Refused("NotAnEvent", $"The {stripeEvent.Type} event cannot be read: {problem}.");
        }

        var grain = grains.GetGrain<IStripeEventGrain>(stripeEvent.Id);
        var created = new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc));
        var outcome = await grain.ReceiveAsync(stripeEvent.Type, created, body, stripe.Configured);
        outcome = await RefetchedAsync(grain, outcome, stripe, logger, context.RequestAborted);
        StripeWebhookMetrics.Received(stripeEvent.Type, outcome);
        if (outcome.Rejected is { } rejected)
        {
            return ApiError.ValidationFailed.ToResult("The event cannot be stored: " + rejected);
        }

        return outcome.Processed
            ? TypedResults.Ok(new WebhookResponse(true, outcome.Duplicate))
            : ApiError.Internal.ToResult("The event was stored but could not be applied; Stripe will retry, or replay it from the admin API.",
                new Dictionary<string, object?> { ["eventId"] = stripeEvent.Id, ["error"] = outcome.Error });

        static IResult Refused(string reason, string message) =>
            ApiError.ValidationFailed.ToResult(message, new Dictionary<string, object?> { ["reason"] = reason });
    }

    /// <summary>The body, or null when it is longer than <see cref="ApiLimits.MaxRequestBodyBytes"/>.</summary>
    private static async Task<MemoryStream?> ReadBoundedAsync(HttpContext context)
    {
        if (context.Request.ContentLength > ApiLimits.MaxRequestBodyBytes)
        {
            return null;
        }

        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > ApiLimits.MaxRequestBodyBytes)
            {
                await buffer.DisposeAsync();
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer;
    }

    /// <summary>How many times an event is refetched when other events keep overtaking the fetched object.</summary>
    private const int RefetchAttempts = 3;

    /// <summary>
    /// An event that could not be ordered with certainty: fetch the subscription from Stripe (Stripe.net) and apply
    /// that in its place, while the subscription is still where it was; a failure is recorded on the event (500, so
    /// Stripe retries).
    /// </summary>
    private static async Task<StripeEventOutcome> RefetchedAsync(
        IStripeEventGrain grain, StripeEventOutcome outcome, StripeApiClient stripe, ILogger logger, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < RefetchAttempts && outcome.Refetch is { } refetch; attempt++)
        {
            global::Stripe.Subscription current;
            try
            {
                current = await stripe.GetSubscriptionAsync(refetch.StripeSubscriptionId, cancellationToken);
            }
            catch (Exception exception) when (exception is StripeApiException or InvalidOperationException)
            {
                logger.LogWarning(exception, "Stripe event {EventId}: fetching subscription {SubscriptionId} failed", grain.GetPrimaryKeyString(), refetch.StripeSubscriptionId);
                return await grain.RecordFailureAsync($"fetching subscription {refetch.StripeSubscriptionId} from Stripe failed: {exception.Message}");
            }

            var parsed = StripeEventParser.FromSubscription(grain.GetPrimaryKeyString(), "subscription.fetched", default, current);
            outcome = await grain.ApplyCurrentAsync(parsed.Update, parsed.UserId, parsed.AgentId, refetch.Etag);
        }

        return outcome.Refetch is null
            ? outcome
            : await grain.RecordFailureAsync($"subscription {outcome.Refetch.StripeSubscriptionId} kept changing while it was fetched {RefetchAttempts} times");
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

    private static async Task<IResult> ReplayAsync(string id, IGrainFactory grains, StripeApiClient stripe, ILogger<StripeApiClient> logger, HttpContext context)
    {
        var validation = new RequestValidation();
        var eventId = validation.Text("id", id, 255);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var grain = grains.GetGrain<IStripeEventGrain>(eventId!);
        var outcome = await RefetchedAsync(grain, await grain.ProcessAsync(stripe.Configured), stripe, logger, context.RequestAborted);
        return outcome.Found ? TypedResults.Ok(new ReplayResponse(eventId!, outcome.Processed, outcome.Error)) : ApiError.NotFound.ToResult("No such Stripe event.");
    }
}
