namespace Tollgate.Grains.Identity;

/// <summary>A user as clients see it (better-auth's user plus the admin plugin's fields). <c>Role</c> is comma-separated.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.UserInfo")]
public sealed record UserInfo(
    string Id,
    string Name,
    string Email,
    bool EmailVerified,
    string Role,
    bool Banned,
    string? BanReason,
    DateTimeOffset? BanExpires,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public string[] Roles => Access.PlatformAccess.SplitRoles(Role);
}
