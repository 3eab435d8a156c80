using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;
using Tollgate.Grains;
using Tollgate.Hosting;

// A silo process: hosts Tollgate's grains in the cluster of Cluster:ClusterId; its HTTP port serves only probes and metrics.
var builder = WebApplication.CreateSlimBuilder(args);
var endpoint = builder.Configuration.GetSection(SiloEndpointOptions.Section).Get<SiloEndpointOptions>() ?? new SiloEndpointOptions();
var address = IPAddress.Parse(endpoint.Address);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, endpoint.HealthPort ?? (endpoint.Port ?? TollgateOrleans.DefaultSiloPort) + 1));
builder.AddTollgateSilo(grains => grains.AddTollgateGrains(), embedded: false);
builder.Services.AddTelemetry(builder.Configuration, "tollgate-silo");
// The slim builder pins the simple console formatter; Logging:Console (appsettings.json: one JSON object a line) decides.
builder.Services.Configure<ConsoleLoggerOptions>(builder.Configuration.GetSection("Logging:Console"));

var app = builder.Build();
app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
app.MapMetrics();
app.MapGet("/readyz", async (IReadinessCheck readiness, IHostApplicationLifetime lifetime, CancellationToken cancellationToken) =>
{
    // Probes only: a silo has no public HTTP API, so this answers plain JSON rather than the API's problem+json.
    var report = await readiness.CheckAsync(cancellationToken);
    var stopping = lifetime.ApplicationStopping.IsCancellationRequested;
    var body = new { status = report.Ready && !stopping ? "ready" : "unavailable", report.SiloStarted, report.DatabaseReachable, stopping };
    return report.Ready && !stopping ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
});
return await app.RunUntilStartupFailsAsync();
