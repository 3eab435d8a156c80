namespace Tollgate.Grains.Organizations;

/// <summary>A user's membership of an organization; <c>Role</c> is comma-separated member roles.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.MemberInfo")]
public sealed record MemberInfo(string OrganizationId, string UserId, string Role, DateTimeOffset CreatedAt)
{
    public string[] Roles => Access.PlatformAccess.SplitRoles(Role);
}
