using Orleans.Dashboard;
using Tollgate.ApiHost.Auth;
using Tollgate.Grains.Access;
using Tollgate.Hosting;

namespace Tollgate.ApiHost.Admin;

internal static class DashboardEndpoints
{
    public const string Path = "/dashboard";

    /// <summary>
    /// The Orleans Dashboard at <c>/dashboard</c>, behind <c>support:read</c> (platform admins): it has no authentication
    /// of its own, so the access middleware answers 401/403 before any of its pages or data. Not audited per request: its pages poll every second. Off with <c>Cluster:Dashboard=false</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapClusterDashboard(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        if (configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>()?.Dashboard ?? true)
        {
            app.MapOrleansDashboard(Path).WithMetadata(EndpointAccess.Requires(PlatformAccess.SupportRead)).ExcludeFromDescription();
        }

        return app;
    }
}
