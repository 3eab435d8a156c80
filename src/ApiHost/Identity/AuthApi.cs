using Tollgate.ApiHost.Access;
using Tollgate.ApiHost.ApiKeys;
using Tollgate.ApiHost.Organizations;
using Tollgate.ApiHost.Auth;

namespace Tollgate.ApiHost.Identity;

internal static class AuthApi
{
    /// <summary>The better-auth compatible routes under <c>/api/auth</c>, each behind the access filter.</summary>
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/auth").WithTags("Auth").AddEndpointFilter<AccessFilter>()
            .MapEmailAuthApi()
            .MapSessionsApi()
            .MapPermissionsApi()
            .MapOrganizationApi()
            .MapApiKeysApi();
        return app;
    }
}
