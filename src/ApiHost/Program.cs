using Tollgate.ApiHost;
using Tollgate.ApiHost.Errors;
using Tollgate.ApiHost.Operations;
using Tollgate.Grains;
using Tollgate.Runtime.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = ApiLimits.MaxRequestBodyBytes);
builder.Services.AddTollgateProblemDetails();
builder.Services.AddOpenApi();
var mode = builder.Configuration.GetValue("ApiHost:Mode", ApiHostMode.Embedded);
if (mode == ApiHostMode.Cluster)
{
    builder.Services.AddClusterClient();
}
else
{
    builder.Services.AddSilo().AddTollgateGrains();
}

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapOperationsApi();
return await app.RunUntilStartupFailsAsync();

/// <summary>The entry point, visible to functional tests (<c>WebApplicationFactory&lt;Program&gt;</c>).</summary>
public partial class Program;
