using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Tollgate.Grains;
using Tollgate.Runtime.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
var endpoint = builder.Configuration.GetSection(SiloEndpointOptions.Section).Get<SiloEndpointOptions>() ?? new SiloEndpointOptions();
var address = IPAddress.Parse(endpoint.Address);
builder.WebHost.UseSiloEndpoint(new IPEndPoint(address, endpoint.Port));
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, endpoint.HealthPort ?? endpoint.Port + 1));
builder.Services.AddSilo().AddClusterMembership().AddTollgateGrains().AddConfiguredSiloModules(builder.Configuration);

var app = builder.Build();
app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
app.MapGet("/readyz", async (IReadinessCheck readiness, IHostApplicationLifetime lifetime, CancellationToken cancellationToken) =>
{
    // Probes only: a silo has no public HTTP API, so this answers plain JSON rather than the API's problem+json.
    var report = await readiness.CheckAsync(cancellationToken);
    var stopping = lifetime.ApplicationStopping.IsCancellationRequested;
    var body = new { status = report.Ready && !stopping ? "ready" : "unavailable", report.SiloStarted, report.DatabaseReachable, stopping };
    return report.Ready && !stopping ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
});
return await app.RunUntilStartupFailsAsync();
