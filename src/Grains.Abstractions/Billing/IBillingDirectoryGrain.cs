
namespace Tollgate.Grains.Billing;

/// <summary>Queries over agents, subscriptions and Stripe events (key <c>billing</c>).</summary>
[Alias("tollgate.IBillingDirectoryGrain")]
public interface IBillingDirectoryGrain : IGrainWithStringKey
{
    Task<AgentInfo[]> ListAgentsAsync();

    Task<SubscriptionInfo[]> ListSubscriptionsAsync(string userId);

    /// <summary>The <c>userId/agentId</c> key of the subscription with this Stripe id, or null.</summary>
    Task<string?> FindSubscriptionAsync(string stripeSubscriptionId);

    Task<StripeEventInfo[]> ListStripeEventsAsync(bool? processed, int limit);
}
