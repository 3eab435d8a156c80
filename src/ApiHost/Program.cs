using Tollgate.ApiHost;
using Tollgate.ApiHost.Admin;
using Tollgate.ApiHost.Auth;
using Tollgate.ApiHost.Billing;
using Tollgate.ApiHost.Cli;
using Tollgate.ApiHost.SupportConsole;
using Tollgate.ApiHost.Errors;
using Tollgate.ApiHost.Http;
using Tollgate.ApiHost.Identity;
using Tollgate.ApiHost.Operations;
using Tollgate.ApiHost.Stripe;
using Tollgate.ApiHost.Telemetry;
using Tollgate.Hosting;

if (TollgateCli.IsCommand(args))
{
    return await TollgateCli.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = ApiLimits.MaxRequestBodyBytes);
builder.Services.AddTollgateProblemDetails();
builder.Services.AddTollgateOpenApi();
builder.AddTollgateBackend();
builder.Services.AddTollgateAuth(builder.Configuration);
builder.Services.AddTollgateStripe();
builder.Services.AddSingleton<ConsumeCoalescer>();
builder.Services.AddTelemetry(builder.Configuration, "tollgate-apihost", ApiMeter.Name);

var app = builder.Build();
app.UseMiddleware<HttpMetricsMiddleware>();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCors();
app.UseMiddleware<AdminAuditMiddleware>();
app.UseMiddleware<AccessMiddleware>();
app.MapOpenApi();
app.MapClusterDashboard(builder.Configuration);
app.MapConsole();
app.MapOperationsApi();
app.MapMetricsApi();
app.MapAuthApi();
app.MapAdminApi();
app.MapExplainApi();
app.MapAgentsApi();
app.MapSubscriptionsApi();
app.MapQuotaApi();
app.MapStripeWebhookApi();
return await app.RunUntilStartupFailsAsync();

/// <summary>The entry point, visible to functional tests (<c>WebApplicationFactory&lt;Program&gt;</c>).</summary>
public partial class Program;
