using Tollgate.ApiHost.Access;
using Tollgate.ApiHost.ApiKeys;
using Tollgate.ApiHost.Organizations;
using Tollgate.ApiHost.Auth;
using Tollgate.ApiHost.Tokens;
using Tollgate.ApiHost.Http;

namespace Tollgate.ApiHost.Identity;

internal static class AuthApi
{
    /// <summary>The better-auth compatible routes under <c>/api/auth</c>, each declaring its access (enforced by AccessMiddleware).</summary>
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/auth").WithTags("Auth").WithCommonProblems()
            .MapEmailAuthApi()
            .MapSessionsApi()
            .MapPermissionsApi()
            .MapOrganizationApi()
            .MapApiKeysApi()
            .MapTokenApi();
        return app;
    }
}
