using Tollgate.Storage;

namespace Tollgate.Grains.Identity;

/// <summary>
/// Fixed windows aligned to the clock (not better-auth's window that restarts after idleness, issue #6035).
/// Counts live in memory: a restarted silo forgets them, which errs towards letting requests through.
/// </summary>
public sealed class RateLimitGrain(TimeProvider clock) : Grain, IRateLimitGrain
{
    private long _window = -1;
    private int _count;

    public Task<RateLimitDecision> TryAcquireAsync(int maxRequests, int windowSeconds)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var windowMs = windowSeconds * 1000L;
        var window = now / windowMs;
        if (window != _window)
        {
            _window = window;
            _count = 0;
        }

        if (_count >= maxRequests)
        {
            var retryAfter = (int)Math.Ceiling(((window + 1) * windowMs - now) / 1000.0);
            return Task.FromResult(new RateLimitDecision(false, Math.Max(1, retryAfter)));
        }

        _count++;
        return Task.FromResult(new RateLimitDecision(true, 0));
    }
}
