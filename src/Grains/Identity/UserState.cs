using Tollgate.Storage;

namespace Tollgate.Grains.Identity;

/// <summary>A user's stored state: the row of <c>users</c>.</summary>
public sealed record UserState(
    string Name,
    string Email,
    bool EmailVerified,
    string Role,
    bool Banned,
    string? BanReason,
    DateTimeOffset? BanExpires,
    string PasswordHash,
    string[] SessionIds,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static readonly StateTable<UserState> Table =
        new StateTable<UserState>("users", () => new UserState("", "", false, "", false, null, null, "", [], default, default),
                row => new UserState(
                    row.Get<string>("name"), row.Get<string>("email"), row.Get<bool>("email_verified"), row.Get<string>("role"),
                    row.Get<bool>("banned"), row.Get<string?>("ban_reason"), row.Get<DateTimeOffset?>("ban_expires"),
                    row.Get<string>("password_hash"), row.Get<string[]>("session_ids") ?? [],
                    row.Get<DateTimeOffset>("created_at"), row.Get<DateTimeOffset>("updated_at")))
            .Column("name", s => s.Name)
            .Column("email", s => s.Email)
            .Column("email_verified", s => s.EmailVerified)
            .Column("role", s => s.Role)
            .Column("banned", s => s.Banned)
            .Column("ban_reason", s => s.BanReason)
            .Column("ban_expires", s => s.BanExpires)
            .Column("password_hash", s => s.PasswordHash)
            .Column("session_ids", s => s.SessionIds)
            .Column("created_at", s => s.CreatedAt)
            .Column("updated_at", s => s.UpdatedAt);

    /// <summary>Banned now: a ban whose expiry has passed reads as lifted (better-auth lifts it at the next sign-in only).</summary>
    public bool IsBannedAt(DateTimeOffset now) => Banned && (BanExpires is null || BanExpires > now);

    public UserInfo ToInfo(string id, DateTimeOffset now)
    {
        var banned = IsBannedAt(now);
        return new UserInfo(id, Name, Email, EmailVerified, Role, banned, banned ? BanReason : null, banned ? BanExpires : null, CreatedAt, UpdatedAt);
    }
}
