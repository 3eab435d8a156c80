namespace Tollgate.ApiHost.Billing;

[Tollgate.ApiHost.Http.RequiredMembers("AgentId")]
public sealed record ConsumeBody(string? AgentId, long? Units, string? UserId, string? IdempotencyKey);

[Tollgate.ApiHost.Http.RequiredMembers("UserId", "AgentId", "Delta", "Reason")]
public sealed record AdjustQuotaBody(string? UserId, string? AgentId, long? Delta, string? Reason);

[Tollgate.ApiHost.Http.RequiredMembers("Name", "Plans")]
public sealed record PutAgentBody(string? Name, string? OrganizationId, PlanBody[]? Plans);

[Tollgate.ApiHost.Http.RequiredMembers("StripePriceId", "PeriodQuota")]
public sealed record PlanBody(string? StripePriceId, long? PeriodQuota);

[Tollgate.ApiHost.Http.RequiredMembers("AgentId")]
public sealed record CheckoutBody(string? AgentId, string? PriceId);
