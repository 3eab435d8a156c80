using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Tollgate.Hosting;

/// <summary>Metrics for <c>/metrics</c> in every process, and traces over OTLP where an endpoint is configured.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The standard OpenTelemetry variable: traces are exported only when it is set.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Orleans' own instruments (messaging, activations, membership, storage): exported as <c>orleans_*</c>.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    private static readonly string[] ProbePaths = ["/healthz", "/readyz", "/metrics"];

    /// <summary>
    /// The runtime's instruments and <paramref name="meters"/>, kept for the Prometheus scrape endpoint that
    /// <see cref="MetricsEndpointExtensions.MapMetrics"/> maps; with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set (and the
    /// other standard <c>OTEL_*</c> variables), HTTP requests and grain calls (Orleans' activity propagation) are traced and exported over OTLP.
    /// </summary>
    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName, params string[] meters)
    {
        services.AddMetrics();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddMeter([RuntimeTelemetry.Name, .. meters, .. configuration.GetValue("Telemetry:OrleansMetrics", true) ? [OrleansMeter] : Array.Empty<string>()])
                // Orleans' histograms are recorded per message and per call: measured, they cost the consume path a fifth of
                // its CPU (bench/RESULTS.md). Their counters and gauges stay; our own grain-call histogram covers latency.
                .AddView(instrument => instrument.Meter.Name == OrleansMeter && instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal)
                    ? MetricStreamConfiguration.Drop
                    : null)
                .AddInstrumentation(sp => new ClusterMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), sp))
                .AddPrometheusExporter(prometheus =>
                {
                    // Prometheus scrapes every few seconds: no need for a cache, and a test's scrape sees its own requests.
                    prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
                    prometheus.ScopeInfoEnabled = false;
                }));
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]))
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(RuntimeTelemetry.Name, Orleans.Diagnostics.ActivitySources.ApplicationGrainActivitySourceName, Orleans.Diagnostics.ActivitySources.RuntimeActivitySourceName)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !ProbePaths.Contains(context.Request.Path.Value))
                .AddOtlpExporter());
        }

        return services;
    }
}
