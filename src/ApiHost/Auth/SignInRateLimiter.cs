using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Tollgate.ApiHost.Errors;
using Tollgate.Grains.Identity;

namespace Tollgate.ApiHost.Auth;

/// <summary>
/// Sign-in and sign-up attempts per IP and per email, in fixed windows counted by rate-limit grains, so the
/// limit holds across every host of the cluster. Over it: 429 <c>RATE_LIMITED</c> with <c>Retry-After</c>.
/// </summary>
public sealed class SignInRateLimiter(IGrainFactory grains, IOptions<AuthOptions> options)
{
    public async Task<IResult?> CheckAsync(HttpContext context, string action, string normalizedEmail)
    {
        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var emailKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)));
        foreach (var key in new[] { $"{action}/ip/{ip}", $"{action}/email/{emailKey}" })
        {
            var decision = await grains.GetGrain<IRateLimitGrain>(key).TryAcquireAsync(options.Value.SignInMaxRequests, options.Value.SignInWindowSeconds);
            if (!decision.Allowed)
            {
                context.Response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return ApiError.RateLimited.ToResult(
                    $"Too many attempts; try again in {decision.RetryAfterSeconds} s.",
                    new Dictionary<string, object?> { ["retryAfter"] = decision.RetryAfterSeconds });
            }
        }

        return null;
    }
}
