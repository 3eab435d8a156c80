using Microsoft.Extensions.Options;
using Tollgate.ApiHost.Admin;
using Tollgate.ApiHost.Auth;
using Tollgate.ApiHost.Errors;
using Tollgate.ApiHost.Http;
using Tollgate.ApiHost.Stripe;
using Tollgate.Grains.Access;
using Tollgate.Grains.Billing;

namespace Tollgate.ApiHost.Billing;

/// <summary>Subscriptions and Stripe Checkout (api.md, Agents, plans and subscriptions).</summary>
internal static class SubscriptionsApi
{
    public static IEndpointRouteBuilder MapSubscriptionsApi(this IEndpointRouteBuilder app)
    {
        var subscriptions = app.MapGroup("/api/subscriptions").WithTags("Subscriptions").WithCommonProblems();
        app.MapGroup("/api").WithTags("Subscriptions").WithCommonProblems().MapGet("/subscriptions", MineAsync).RequireCaller()
            .WithName("ListMySubscriptions").WithSummary("The caller's subscriptions with their quota.")
            .Produces<SubscriptionResponse[]>();
        subscriptions.MapPost("/checkout", CheckoutAsync).RequireSession()
            .WithName("CreateCheckout").WithSummary("Creates a Stripe Checkout Session for an agent's plan; userId and agentId travel in the subscription metadata.")
            .Produces<CheckoutResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGroup("/api/admin/users").WithTags("Admin").WithMetadata(AdminAudited.Instance).WithCommonProblems()
            .MapGet("/{userId}/subscriptions", UserSubscriptionsAsync).RequirePermission(PlatformAccess.SubscriptionList)
            .WithName("AdminUserSubscriptions").WithSummary("A user's subscriptions with their quota.")
            .Produces<SubscriptionResponse[]>().ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<IResult> MineAsync(HttpContext context, CallerResolver callers, IGrainFactory grains) =>
        TypedResults.Ok(await ListAsync(grains, (await callers.ResolveAsync(context)).Caller!.User.Id));

    private static async Task<IResult> UserSubscriptionsAsync(string userId, IGrainFactory grains)
    {
        var validation = new RequestValidation();
        var id = validation.Id("userId", userId);
        return validation.Failed ? validation.Problem() : TypedResults.Ok(await ListAsync(grains, id!));
    }

    private static async Task<SubscriptionResponse[]> ListAsync(IGrainFactory grains, string userId) =>
        [.. (await grains.GetGrain<IBillingDirectoryGrain>("billing").ListSubscriptionsAsync(userId)).Select(SubscriptionResponse.From)];

    private static async Task<IResult> CheckoutAsync(
        CheckoutBody? body, HttpContext context, CallerResolver callers, IGrainFactory grains, StripeApiClient stripe,
        IOptions<StripeOptions> options, FrontendOptions frontend)
    {
        var validation = new RequestValidation();
        var agentId = validation.Id("agentId", body?.AgentId);
        var priceId = validation.Id("priceId", body?.PriceId, optional: true);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        if (await grains.GetGrain<IAgentGrain>(agentId!).GetAsync() is not { } agent)
        {
            return ApiError.NotFound.ToResult("No such agent.");
        }

        var plan = priceId is null ? agent.Plans.FirstOrDefault() : agent.Plans.FirstOrDefault(p => p.StripePriceId == priceId);
        if (plan is null)
        {
            return ApiError.NotFound.ToResult(priceId is null ? "This agent has no plans." : "This agent has no plan with that price.");
        }

        var caller = (await callers.ResolveAsync(context)).Caller!;
        var success = options.Value.SuccessUrl ?? new Uri(frontend.Url, "/billing/success").ToString();
        var cancel = options.Value.CancelUrl ?? new Uri(frontend.Url, "/billing/cancel").ToString();
        try
        {
            var session = await stripe.CreateSubscriptionCheckoutAsync(
                new CheckoutRequest(plan.StripePriceId, caller.User.Id, agent.Id, caller.User.Email, success, cancel, Guid.NewGuid().ToString("N")),
                context.RequestAborted);
            return TypedResults.Ok(new CheckoutResponse(session.Url));
        }
        catch (Exception exception) when (exception is StripeApiException or HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return ApiError.Unavailable.ToResult("Stripe did not create the checkout session: " + exception.Message);
        }
    }
}
