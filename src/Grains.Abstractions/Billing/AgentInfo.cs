namespace Tollgate.Grains.Billing;

/// <summary>An agent on the marketplace, its publishing organization (whose keys consume for users) and its plans.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.AgentInfo")]
public sealed record AgentInfo(string Id, string Name, string? OrganizationId, AgentPlan[] Plans, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
