using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Tollgate.Hosting;

/// <summary>Maps <c>GET /metrics</c>, the Prometheus text exposition of what <see cref="TelemetryServiceCollectionExtensions.AddTelemetry"/> keeps.</summary>
public static class MetricsEndpointExtensions
{
    public const string Path = "/metrics";

    /// <summary>Unauthenticated, as Prometheus scrapes it: keep the port it is served on off the public network.</summary>
    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint(Path);
}
