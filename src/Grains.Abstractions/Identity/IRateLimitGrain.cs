
namespace Tollgate.Grains.Identity;

/// <summary>A fixed-window request counter for one key (e.g. sign-ins per IP), shared by every host of the cluster.</summary>
[Alias("tollgate.IRateLimitGrain")]
public interface IRateLimitGrain : IGrainWithStringKey
{
    Task<RateLimitDecision> TryAcquireAsync(int maxRequests, int windowSeconds);
}
