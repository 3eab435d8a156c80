namespace Tollgate.Grains.Billing;

/// <summary>Stripe's subscription statuses plus <c>none</c>; only <c>active</c> and <c>trialing</c> are entitled.</summary>
public static class SubscriptionStatus
{
    public const string None = "none";
    public const string Active = "active";
    public const string Trialing = "trialing";
    public const string PastDue = "past_due";
    public const string Canceled = "canceled";

    public static readonly string[] All = [None, "incomplete", "incomplete_expired", Trialing, Active, PastDue, Canceled, "unpaid", "paused"];

    public static bool IsEntitled(string status) => status is Active or Trialing;
}
