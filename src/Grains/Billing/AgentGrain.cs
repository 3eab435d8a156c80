using System.Text.Json;
using Tollgate.Storage;

namespace Tollgate.Grains.Billing;

public sealed class AgentGrain([PersistentState("agent")] IPersistentState<AgentState> state, TimeProvider clock) : Grain, IAgentGrain
{
    public async Task<AgentInfo> PutAsync(string name, string? organizationId, AgentPlan[] plans, string actorUserId)
    {
        var now = clock.GetUtcNow();
        var before = state.State;
        state.State = new AgentState(name, organizationId, plans, state.RecordExists ? before.CreatedAt : now, now);
        var companions = new List<CompanionStatement> { new("DELETE FROM agent_plans WHERE agent_id = $1", this.GetPrimaryKeyString()) };
        companions.AddRange(plans.Select(p => new CompanionStatement(
            "INSERT INTO agent_plans (agent_id, stripe_price_id, period_quota) VALUES ($1, $2, $3)", this.GetPrimaryKeyString(), p.StripePriceId, p.PeriodQuota)));
        companions.Add(new CompanionStatement(
            "INSERT INTO interactions (user_id, agent_id, kind, data) VALUES ($1, $2, 'agent_updated', $3::jsonb)",
            actorUserId, this.GetPrimaryKeyString(), JsonSerializer.Serialize(new { name, organizationId, plans }, JsonSerializerOptions.Web)));
        try
        {
            await state.WriteStateAsync(companions);
        }
        catch
        {
            state.State = before;
            throw;
        }

        return state.State.ToInfo(this.GetPrimaryKeyString());
    }

    public Task<AgentInfo?> GetAsync() => Task.FromResult(state.RecordExists ? state.State.ToInfo(this.GetPrimaryKeyString()) : null);
}
