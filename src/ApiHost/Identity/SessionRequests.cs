using Tollgate.Grains.Identity;

namespace Tollgate.ApiHost.Identity;

internal static class SessionRequests
{
    private const int MaxUserAgentLength = 512;

    /// <summary>Where a new session comes from, as recorded on the session.</summary>
    public static SessionRequest From(HttpContext context, bool rememberMe)
    {
        var userAgent = context.Request.Headers.UserAgent.ToString();
        return new SessionRequest(
            context.Connection.RemoteIpAddress?.ToString(),
            userAgent.Length == 0 ? null : userAgent[..Math.Min(userAgent.Length, MaxUserAgentLength)],
            rememberMe);
    }
}
