
namespace Tollgate.Grains.Billing;

/// <summary>
/// One Stripe event, keyed by its id: stored first (<c>stripe_events</c>, one row per id), then applied, one
/// processing at a time, so duplicate deliveries change nothing.
/// </summary>
[Alias("tollgate.IStripeEventGrain")]
public interface IStripeEventGrain : IGrainWithStringKey
{
    /// <summary>Stores the verified event if new, then processes it unless already processed.</summary>
    Task<StripeEventOutcome> ReceiveAsync(string type, DateTimeOffset created, string payload);

    /// <summary>Processes the stored event again if it is not processed yet (admin replay).</summary>
    Task<StripeEventOutcome> ProcessAsync();
}
