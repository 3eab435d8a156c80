using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tollgate.Http.Benchmarks.Hosting;

/// <summary>
/// The builder of the in-process baseline servers (<see cref="BareServer"/>, <see cref="ConsumeBaselineServer"/>):
/// a minimal <see cref="WebApplication"/> with the ApiHost's Kestrel defaults, environment and log level, listening on
/// 127.0.0.1:<c>port</c>.
/// </summary>
public static class BaselineApp
{
    public static WebApplicationBuilder CreateBuilder(int port)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // The output folder holds the ApiHost's appsettings.json (Default: Information); the ApiHost is set to Warning too.
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        return builder;
    }
}
