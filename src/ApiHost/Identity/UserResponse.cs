using Tollgate.Grains.Identity;

namespace Tollgate.ApiHost.Identity;

/// <summary>better-auth's user with the admin plugin's fields.</summary>
public sealed record UserResponse(
    string Id, string Name, string Email, bool EmailVerified, string? Image, string Role, bool Banned, string? BanReason,
    DateTimeOffset? BanExpires, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static UserResponse From(UserInfo user) => new(
        user.Id, user.Name, user.Email, user.EmailVerified, null, user.Role, user.Banned, user.BanReason, user.BanExpires, user.CreatedAt, user.UpdatedAt);
}
