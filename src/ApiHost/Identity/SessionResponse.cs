using Tollgate.Grains.Identity;

namespace Tollgate.ApiHost.Identity;

/// <summary>
/// better-auth's session. <c>token</c> is the caller's own token in get-session; in lists, where the token is not
/// known (only its hash is stored), it is the session id, which revoke-session also accepts.
/// </summary>
public sealed record SessionResponse(
    string Id, string Token, string UserId, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string? IpAddress, string? UserAgent, string? ActiveOrganizationId)
{
    public static SessionResponse From(SessionInfo session, string? token = null) => new(
        session.Id, token ?? session.Id, session.UserId, session.ExpiresAt, session.CreatedAt, session.UpdatedAt,
        session.IpAddress, session.UserAgent, session.ActiveOrganizationId);
}
