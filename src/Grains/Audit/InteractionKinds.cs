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
    public const string OrganizationCreated = "organization_created";
    public const string OrganizationDeleted = "organization_deleted";
    public const string MemberAdded = "member_added";
    public const string MemberRoleChanged = "member_role_changed";
    public const string MemberRemoved = "member_removed";
    public const string ApiKeyCreated = "api_key_created";
    public const string ApiKeyDeleted = "api_key_deleted";
}
