using Tollgate.Grains.Access;

namespace Tollgate.ApiHost.Auth;

/// <summary>
/// Platform permissions of a caller: its user's roles (united), narrowed by its API key's permissions. An
/// organization key acts only inside its organization and holds no platform power.
/// </summary>
public static class PlatformAuthorizer
{
    public static bool Allows(Caller caller, Permission permission) => caller.ApiKey switch
    {
        null => PlatformAccess.Statement.Allows(caller.User.Roles, [permission]),
        { OrganizationId: not null } => false,
        var key => key.Permits(permission) && PlatformAccess.Statement.Allows(caller.User.Roles, [permission]),
    };

    public static IReadOnlyList<Permission> Missing(Caller caller, IEnumerable<Permission> required) =>
        required.Where(permission => !Allows(caller, permission)).ToList();
}
