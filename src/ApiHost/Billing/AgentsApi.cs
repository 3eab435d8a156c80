using Tollgate.ApiHost.Admin;
using Tollgate.ApiHost.Auth;
using Tollgate.ApiHost.Errors;
using Tollgate.ApiHost.Http;
using Tollgate.Grains.Access;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Organizations;

namespace Tollgate.ApiHost.Billing;

/// <summary>Agents and their plans (api.md, Agents, plans and subscriptions).</summary>
internal static class AgentsApi
{
    private const int MaxPlans = 20;
    private const long MaxPeriodQuota = 1_000_000_000_000;

    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api").WithTags("Agents").WithCommonProblems()
            .MapGet("/agents", ListAsync).AllowAnyone()
            .WithName("ListAgents").WithSummary("The marketplace's agents and their plans.")
            .Produces<AgentResponse[]>();
        app.MapGroup("/api/admin/agents").WithTags("Admin").WithMetadata(AdminAudited.Instance).WithCommonProblems()
            .MapPut("/{agentId}", PutAsync).RequirePermission(PlatformAccess.AgentUpdate)
            .WithName("PutAgent").WithSummary("Creates or replaces an agent with its publishing organization and plans.")
            .Produces<AgentResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> ListAsync(IGrainFactory grains) =>
        TypedResults.Ok((await grains.GetGrain<IBillingDirectoryGrain>("billing").ListAgentsAsync()).Select(AgentResponse.From).ToArray());

    private static async Task<IResult> PutAsync(string agentId, PutAgentBody? body, HttpContext context, CallerResolver callers, IGrainFactory grains)
    {
        var validation = new RequestValidation();
        var id = validation.Id("agentId", agentId);
        var name = validation.Text("name", body?.Name, 128);
        var organizationId = validation.Id("organizationId", body?.OrganizationId, optional: true);
        var plans = new List<AgentPlan>();
        if (body?.Plans is not { Length: <= MaxPlans } given)
        {
            validation.Add("plans", $"is required: 0 to {MaxPlans} plans");
        }
        else
        {
            for (var i = 0; i < given.Length; i++)
            {
                var price = validation.Id($"plans[{i}].stripePriceId", given[i]?.StripePriceId);
                if (given[i]?.PeriodQuota is not (>= 0 and <= MaxPeriodQuota))
                {
                    validation.Add($"plans[{i}].periodQuota", $"is required: 0 to {MaxPeriodQuota}");
                }
                else if (price is not null)
                {
                    plans.Add(new AgentPlan(price, given[i]!.PeriodQuota!.Value));
                }
            }

            if (plans.Select(p => p.StripePriceId).Distinct().Count() != plans.Count)
            {
                validation.Add("plans", "names a stripePriceId twice");
            }
        }

        if (validation.Failed)
        {
            return validation.Problem();
        }

        if (organizationId is not null && await grains.GetGrain<IOrganizationGrain>(organizationId).GetAsync() is null)
        {
            return ApiError.NotFound.ToResult("No such organization.");
        }

        var caller = (await callers.ResolveAsync(context)).Caller!;
        var agent = await grains.GetGrain<IAgentGrain>(id!).PutAsync(name!, organizationId, [.. plans], caller.User.Id);
        return TypedResults.Ok(AgentResponse.From(agent));
    }
}
