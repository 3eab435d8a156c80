using Tollgate.ApiHost.Auth;
using Tollgate.Hosting;

namespace Tollgate.ApiHost.Operations;

/// <summary>
/// <c>GET /metrics</c> (api.md, Operations): Prometheus text, open to anyone like the probes, because Prometheus
/// scrapes without credentials. Operators keep it off the public network (it names routes and counts traffic).
/// </summary>
internal static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapMetrics().WithMetadata(EndpointAccess.Public).WithDisplayName("Metrics");
        return app;
    }
}
