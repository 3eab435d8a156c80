namespace Tollgate.ApiHost.Billing;

public sealed record ConsumeBody(string? AgentId, long? Units, string? UserId, string? IdempotencyKey);

public sealed record AdjustQuotaBody(string? UserId, string? AgentId, long? Delta, string? Reason);

public sealed record PutAgentBody(string? Name, string? OrganizationId, PlanBody[]? Plans);

public sealed record PlanBody(string? StripePriceId, long? PeriodQuota);

public sealed record CheckoutBody(string? AgentId, string? PriceId);
