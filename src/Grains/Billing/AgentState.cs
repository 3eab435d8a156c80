using System.Text.Json;
using Tollgate.Storage;

namespace Tollgate.Grains.Billing;

/// <summary>An agent's stored state: the row of <c>agents</c> (plans as JSON; <c>agent_plans</c> mirrors them).</summary>
public sealed record AgentState(string Name, string? OrganizationId, AgentPlan[] Plans, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static readonly StateTable<AgentState> Table =
        new StateTable<AgentState>("agents", () => new AgentState("", null, [], default, default),
                row => new AgentState(
                    row.Get<string>("name"), row.Get<string?>("organization_id"),
                    JsonSerializer.Deserialize<AgentPlan[]>(row.Get<string>("plans"), JsonSerializerOptions.Web) ?? [],
                    row.Get<DateTimeOffset>("created_at"), row.Get<DateTimeOffset>("updated_at")))
            .Column("name", s => s.Name)
            .Column("organization_id", s => s.OrganizationId)
            .Column("plans", s => JsonSerializer.Serialize(s.Plans, JsonSerializerOptions.Web))
            .Column("created_at", s => s.CreatedAt)
            .Column("updated_at", s => s.UpdatedAt);

    public AgentInfo ToInfo(string id) => new(id, Name, OrganizationId, Plans, CreatedAt, UpdatedAt);
}
