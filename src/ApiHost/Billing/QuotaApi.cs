using System.Security.Cryptography;
using System.Text;
using Tollgate.ApiHost.Admin;
using Tollgate.ApiHost.Auth;
using Tollgate.ApiHost.Errors;
using Tollgate.ApiHost.Http;
using Tollgate.ApiHost.Organizations;
using Tollgate.Grains.Access;
using Tollgate.Grains.Billing;

namespace Tollgate.ApiHost.Billing;

/// <summary>Consuming and reading quota (api.md, Quota).</summary>
internal static class QuotaApi
{
    private const long MaxUnits = 1_000_000;

    public static IEndpointRouteBuilder MapQuotaApi(this IEndpointRouteBuilder app)
    {
        var quota = app.MapGroup("/api/quota").WithTags("Quota").WithCommonProblems();
        quota.MapPost("/consume", ConsumeAsync).RequireCaller()
            .WithName("ConsumeQuota").WithSummary("Consumes units of a user's quota for an agent; answers once durable. Idempotency-Key replays the first answer.")
            .Produces<ConsumeResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status429TooManyRequests);
        quota.MapGet("/{agentId}", GetAsync).RequireCaller()
            .WithName("GetQuota").WithSummary("A user's quota for an agent (the caller's, or userId's for the agent's service keys and platform admins).")
            .Produces<QuotaResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGroup("/api/admin/quota").WithTags("Admin").WithMetadata(AdminAudited.Instance).WithCommonProblems()
            .MapPost("/adjust", AdjustAsync).RequirePermission(PlatformAccess.QuotaAdjust)
            .WithName("AdjustQuota").WithSummary("Adds delta (may be negative) to this period's usage; audited with the reason.")
            .Produces<SubscriptionResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> ConsumeAsync(
        ConsumeBody? body, HttpContext context, CallerResolver callers, OrganizationAuthorizer organizations, IGrainFactory grains,
        ConsumeCoalescer coalescer, FrontendOptions frontend)
    {
        var validation = new RequestValidation();
        var agentId = validation.Id("agentId", body?.AgentId);
        var userId = validation.Id("userId", body?.UserId, optional: true);
        var units = body?.Units ?? 1;
        if (units is < 1 or > MaxUnits)
        {
            validation.Add("units", $"must be 1 to {MaxUnits}");
        }

        var header = context.Request.Headers["Idempotency-Key"].ToString();
        var key = validation.Text("idempotencyKey", body?.IdempotencyKey ?? (header.Length > 0 ? header : null), 255, optional: true);
        if (body?.IdempotencyKey is { } inBody && header.Length > 0 && inBody != header)
        {
            validation.Add("idempotencyKey", "differs from the Idempotency-Key header");
        }

        if (validation.Failed)
        {
            return validation.Problem();
        }

        var caller = (await callers.ResolveAsync(context)).Caller!;
        if (await grains.GetGrain<IAgentGrain>(agentId!).GetAsync() is not { } agent)
        {
            return ApiError.NotFound.ToResult("No such agent.");
        }

        if (await ConsumerRefusalAsync(caller, agent, userId, organizations) is { } refused)
        {
            return refused;
        }

        var target = userId ?? caller.User.Id;
        // Only an idempotent request needs its content fingerprinted (to tell a retry from a reused key).
        var fingerprint = key is null ? "" : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{agent.Id}\n{target}\n{units}")));
        var outcome = await coalescer.ConsumeAsync($"{target}/{agent.Id}", new ConsumeRequest(units, key, fingerprint));
        Telemetry.QuotaMetrics.Record(outcome);
        return outcome.Result switch
        {
            ConsumeResult.Consumed => TypedResults.Ok(new ConsumeResponse(
                agent.Id, target, outcome.Units, outcome.Used, outcome.Limit, Math.Max(0, outcome.Limit - outcome.Used), outcome.PeriodEnd, outcome.Replayed)),
            ConsumeResult.PaymentRequired => ApiError.PaymentRequired.ToResult(
                outcome.Status is SubscriptionStatus.Active or SubscriptionStatus.Trialing
                    ? "The subscription's billing period has ended; it renews when Stripe confirms the next payment."
                    : $"No active subscription to this agent (status: {outcome.Status}).",
                new Dictionary<string, object?>
                {
                    ["agentId"] = agent.Id,
                    ["status"] = outcome.Status,
                    ["checkoutUrl"] = new Uri(frontend.Url, "/checkout") + "?agentId=" + Uri.EscapeDataString(agent.Id),
                }),
            ConsumeResult.QuotaExceeded => QuotaExceeded(context, outcome),
            _ => ApiError.IdempotencyKeyReused.ToResult(
                "This idempotency key was used with another request body.", new Dictionary<string, object?> { ["idempotencyKey"] = key }),
        };
    }

    /// <summary>
    /// A caller consumes its own quota, or, naming <c>userId</c>, a user's: then it must be a key that holds
    /// <c>quota:consume</c> in the agent's publishing organization (an agent service).
    /// </summary>
    private static async Task<IResult?> ConsumerRefusalAsync(Caller caller, AgentInfo agent, string? userId, OrganizationAuthorizer organizations)
    {
        if (userId is null || userId == caller.User.Id)
        {
            if (caller.ApiKey is { OrganizationId: not null })
            {
                return ApiError.ValidationFailed.ToResult("An organization key consumes for a user: name userId.", new Dictionary<string, object?>
                {
                    ["errors"] = new Dictionary<string, string[]> { ["userId"] = ["is required for an organization key"] },
                });
            }

            return caller.ApiKey?.Permits(OrganizationAccess.QuotaConsume) == false ? AuthProblems.Forbidden([OrganizationAccess.QuotaConsume]) : null;
        }

        var allowed = caller.ApiKey is not null && agent.OrganizationId is { } publisher
            && (await organizations.AuthorizeAsync(caller, publisher, [OrganizationAccess.QuotaConsume])).Allowed;
        return allowed ? null : AuthProblems.Forbidden([OrganizationAccess.QuotaConsume]);
    }

    private static IResult QuotaExceeded(HttpContext context, ConsumeOutcome outcome)
    {
        if (outcome.PeriodEnd is { } resets)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling((resets - DateTimeOffset.UtcNow).TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return ApiError.QuotaExceeded.ToResult(
            $"This period's quota is used up ({outcome.Used} of {outcome.Limit}).",
            new Dictionary<string, object?> { ["limit"] = outcome.Limit, ["used"] = outcome.Used, ["requested"] = outcome.Units, ["resetsAt"] = outcome.PeriodEnd });
    }

    private static async Task<IResult> GetAsync(string agentId, string? userId, HttpContext context, CallerResolver callers, OrganizationAuthorizer organizations, IGrainFactory grains)
    {
        var validation = new RequestValidation();
        var agent = validation.Id("agentId", agentId);
        var user = validation.Id("userId", userId, optional: true);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var caller = (await callers.ResolveAsync(context)).Caller!;
        if (await grains.GetGrain<IAgentGrain>(agent!).GetAsync() is not { } info)
        {
            return ApiError.NotFound.ToResult("No such agent.");
        }

        if (user is not null && user != caller.User.Id && !PlatformAuthorizer.Allows(caller, PlatformAccess.SubscriptionList)
            && await ConsumerRefusalAsync(caller, info, user, organizations) is { } refused)
        {
            return refused;
        }

        var subscription = await grains.GetGrain<ISubscriptionGrain>($"{user ?? caller.User.Id}/{info.Id}").GetAsync();
        return TypedResults.Ok(new QuotaResponse(subscription.Used, subscription.Limit, subscription.Remaining, subscription.CurrentPeriodEnd, subscription.Status));
    }

    private static async Task<IResult> AdjustAsync(AdjustQuotaBody? body, HttpContext context, CallerResolver callers, IGrainFactory grains)
    {
        var validation = new RequestValidation();
        var userId = validation.Id("userId", body?.UserId);
        var agentId = validation.Id("agentId", body?.AgentId);
        var reason = validation.Text("reason", body?.Reason, 500);
        if (body?.Delta is not (>= -1_000_000_000 and <= 1_000_000_000 and not 0))
        {
            validation.Add("delta", "is required: a non-zero integer between -1000000000 and 1000000000");
        }

        if (validation.Failed)
        {
            return validation.Problem();
        }

        if (await grains.GetGrain<IAgentGrain>(agentId!).GetAsync() is null || await grains.GetGrain<Grains.Identity.IUserGrain>(userId!).GetAsync() is null)
        {
            return ApiError.NotFound.ToResult("No such user or agent.");
        }

        var caller = (await callers.ResolveAsync(context)).Caller!;
        var adjusted = await grains.GetGrain<ISubscriptionGrain>($"{userId}/{agentId}").AdjustAsync(body!.Delta!.Value, reason!, caller.User.Id);
        return TypedResults.Ok(SubscriptionResponse.From(adjusted));
    }
}
