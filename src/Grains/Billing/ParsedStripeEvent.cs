namespace Tollgate.Grains.Billing;

/// <summary>A handled Stripe event: the update it carries and the user and agent its metadata names, if any.</summary>
public sealed record ParsedStripeEvent(StripeSubscriptionUpdate Update, string? UserId, string? AgentId);
