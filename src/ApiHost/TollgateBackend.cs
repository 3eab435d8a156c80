using Microsoft.Extensions.DependencyInjection.Extensions;
using Tollgate.Grains;
using Tollgate.Grains.Audit;
using Tollgate.Hosting;
using Tollgate.Postgres;

namespace Tollgate.ApiHost;

/// <summary>How this process reaches the grains (<c>ApiHost:Mode</c>), shared by the HTTP host and the CLI.</summary>
internal static class TollgateBackend
{
    public static IHostApplicationBuilder AddTollgateBackend(this IHostApplicationBuilder builder)
    {
        // The database first: it starts (and migrates) before Orleans, whose membership lives in it.
        builder.Services.AddPostgresDatabase();
        builder.Services.AddMigrations(new EmbeddedMigrations(typeof(TollgateBackend).Assembly, "apihost"));
        if (builder.Configuration.GetValue("ApiHost:Mode", ApiHostMode.Embedded) == ApiHostMode.Cluster)
        {
            builder.AddTollgateClient();
        }
        else
        {
            builder.AddTollgateSilo(grains => grains.AddTollgateGrains(), embedded: true);
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<AuditLog>();
        return builder;
    }
}
