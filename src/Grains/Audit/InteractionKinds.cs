namespace Tollgate.Grains.Audit;

/// <summary>The <c>interactions.kind</c> values (api.md, Database).</summary>
public static class InteractionKinds
{
    public const string UserCreated = "user_created";
    public const string RoleChanged = "role_changed";
    public const string UserBanned = "user_banned";
    public const string UserUnbanned = "user_unbanned";
    public const string SessionsRevoked = "sessions_revoked";
    public const string AdminRequest = "admin_request";
}
