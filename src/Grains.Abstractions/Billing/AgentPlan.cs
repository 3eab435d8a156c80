namespace Tollgate.Grains.Billing;

/// <summary>A way to subscribe to an agent: a Stripe price and the units it grants per billing period.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.AgentPlan")]
public sealed record AgentPlan(string StripePriceId, long PeriodQuota);
