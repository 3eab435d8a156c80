using Tollgate.Storage;

namespace Tollgate.Grains.Identity;

/// <summary>A session's stored state: the row of <c>sessions</c>. <c>UpdatedAt</c> is the last refresh.</summary>
public sealed record SessionState(
    string UserId,
    byte[] TokenHash,
    DateTimeOffset ExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? IpAddress,
    string? UserAgent,
    string? ActiveOrganizationId,
    bool RememberMe)
{
    public static readonly StateTable<SessionState> Table =
        new StateTable<SessionState>("sessions", () => new SessionState("", [], default, default, default, null, null, null, false),
                row => new SessionState(
                    row.Get<string>("user_id"), row.Get<byte[]>("token_hash"), row.Get<DateTimeOffset>("expires_at"),
                    row.Get<DateTimeOffset>("created_at"), row.Get<DateTimeOffset>("updated_at"), row.Get<string?>("ip_address"),
                    row.Get<string?>("user_agent"), row.Get<string?>("active_organization_id"), row.Get<bool>("remember_me")))
            .Column("user_id", s => s.UserId)
            .Column("token_hash", s => s.TokenHash)
            .Column("expires_at", s => s.ExpiresAt)
            .Column("created_at", s => s.CreatedAt)
            .Column("updated_at", s => s.UpdatedAt)
            .Column("ip_address", s => s.IpAddress)
            .Column("user_agent", s => s.UserAgent)
            .Column("active_organization_id", s => s.ActiveOrganizationId)
            .Column("remember_me", s => s.RememberMe);

    public SessionInfo ToInfo(string id) =>
        new(id, UserId, ExpiresAt, CreatedAt, UpdatedAt, IpAddress, UserAgent, ActiveOrganizationId, RememberMe);
}
