using Tollgate.Grains.Access;

namespace Tollgate.ApiHost.Auth;

/// <summary>
/// What an endpoint requires, declared on every endpoint under <c>/api</c> (a test fails when one has none, or
/// names a permission that is not in the statement): nobody, a signed-in caller, or a permission.
/// </summary>
public sealed record EndpointAccess(bool RequiresCaller, bool RequiresSession, Permission? Permission)
{
    public static readonly EndpointAccess Public = new(false, false, null);
    public static readonly EndpointAccess SignedIn = new(true, false, null);
    public static readonly EndpointAccess Session = new(true, true, null);

    public static EndpointAccess Requires(Permission permission) => new(true, false, permission);
}

public static class EndpointAccessExtensions
{
    /// <summary>Anyone may call it.</summary>
    public static RouteHandlerBuilder AllowAnyone(this RouteHandlerBuilder builder) => builder.WithMetadata(EndpointAccess.Public);

    /// <summary>Any signed-in, unbanned caller.</summary>
    public static RouteHandlerBuilder RequireCaller(this RouteHandlerBuilder builder) => builder.WithMetadata(EndpointAccess.SignedIn)
        .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

    /// <summary>A signed-in caller with a session (cookie or bearer token): an API key has no session to act on.</summary>
    public static RouteHandlerBuilder RequireSession(this RouteHandlerBuilder builder) => builder.WithMetadata(EndpointAccess.Session)
        .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

    /// <summary>A caller whose platform roles grant <paramref name="permission"/>.</summary>
    public static RouteHandlerBuilder RequirePermission(this RouteHandlerBuilder builder, Permission permission) =>
        builder.WithMetadata(EndpointAccess.Requires(permission))
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
}
