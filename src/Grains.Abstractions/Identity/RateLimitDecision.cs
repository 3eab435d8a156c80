namespace Tollgate.Grains.Identity;

/// <summary>Whether a request fits its fixed window; if not, how long until the next window opens.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.RateLimitDecision")]
public sealed record RateLimitDecision(bool Allowed, int RetryAfterSeconds);
