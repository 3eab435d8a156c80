using Tollgate.ApiHost.Errors;
using Tollgate.Hosting;

namespace Tollgate.ApiHost.Operations;

/// <summary>Liveness and readiness probes (api.md, Operations).</summary>
internal static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Operations");
        group.MapGet("/healthz", () => TypedResults.Ok(new HealthResponse("ok")))
            .WithName("Healthz")
            .WithSummary("The process is up.");
        group.MapGet("/readyz", ReadyAsync)
            .WithName("Readyz")
            .WithSummary("The silo is started and the database is reachable; false while shutting down.")
            .Produces<ReadinessResponse>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> ReadyAsync(IReadinessCheck readiness, IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        var report = await readiness.CheckAsync(cancellationToken);
        var ready = report.Ready && !lifetime.ApplicationStopping.IsCancellationRequested;
        return ready
            ? TypedResults.Ok(new ReadinessResponse("ready", report.SiloStarted, report.DatabaseReachable))
            : ApiError.Unavailable.ToResult("Tollgate is not ready to serve requests.", new Dictionary<string, object?>
            {
                ["siloStarted"] = report.SiloStarted,
                ["databaseReachable"] = report.DatabaseReachable,
                ["stopping"] = lifetime.ApplicationStopping.IsCancellationRequested,
            });
    }
}
