using Tollgate.ApiHost.Auth;
using Tollgate.Grains.Access;

namespace Tollgate.ApiHost.Access;

/// <summary>The permission statement, served from the one definition in code (api.md, Platform RBAC).</summary>
internal static class PermissionsApi
{
    public static RouteGroupBuilder MapPermissionsApi(this RouteGroupBuilder auth)
    {
        auth.MapGet("/permissions", () => TypedResults.Ok(PermissionDocument.Platform)).AllowAnyone()
            .WithName("Permissions").WithSummary("The platform permission statement and each role's grants.")
            .Produces<PermissionDocument>();
        return auth;
    }
}

/// <summary><c>{statement:{resource:[action]}, roles:{role:{resource:[action]}}}</c>.</summary>
public sealed record PermissionDocument(
    IReadOnlyDictionary<string, string[]> Statement,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string[]>> Roles)
{
    public static readonly PermissionDocument Platform = new(PlatformAccess.Statement.Statement, PlatformAccess.Statement.Roles);
}
