using Tollgate.Grains.Billing;

namespace Tollgate.ApiHost.Billing;

public sealed record ConsumeResponse(string AgentId, string UserId, long Units, long Used, long Limit, long Remaining, DateTimeOffset? PeriodEnd, bool Replayed);

public sealed record QuotaResponse(long Used, long Limit, long Remaining, DateTimeOffset? PeriodEnd, string Status);

public sealed record QuotaView(long Limit, long Used, long Remaining);

public sealed record SubscriptionResponse(
    string UserId, string AgentId, string Status, string? StripeSubscriptionId, string? PriceId, DateTimeOffset? CurrentPeriodStart,
    DateTimeOffset? CurrentPeriodEnd, bool CancelAtPeriodEnd, QuotaView Quota)
{
    public static SubscriptionResponse From(SubscriptionInfo s) => new(
        s.UserId, s.AgentId, s.Status, s.StripeSubscriptionId, s.PriceId, s.CurrentPeriodStart, s.CurrentPeriodEnd, s.CancelAtPeriodEnd,
        new QuotaView(s.Limit, s.Used, s.Remaining));
}

public sealed record AgentResponse(string Id, string Name, string? OrganizationId, AgentPlan[] Plans, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static AgentResponse From(AgentInfo a) => new(a.Id, a.Name, a.OrganizationId, a.Plans, a.CreatedAt, a.UpdatedAt);
}

public sealed record CheckoutResponse(string Url);

public sealed record WebhookResponse(bool Received, bool Duplicate);

public sealed record StripeEventListResponse(StripeEventInfo[] Events);

public sealed record ReplayResponse(string Id, bool Processed, string? Error);
