
namespace Tollgate.Grains.Billing;

/// <summary>An agent, keyed by agent id; its plans are also written to <c>agent_plans</c> in the same transaction.</summary>
[Alias("tollgate.IAgentGrain")]
public interface IAgentGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces the agent.</summary>
    Task<AgentInfo> PutAsync(string name, string? organizationId, AgentPlan[] plans, string actorUserId);

    Task<AgentInfo?> GetAsync();
}
