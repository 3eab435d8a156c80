using Microsoft.Extensions.DependencyInjection.Extensions;
using Tollgate.Grains;
using Tollgate.Grains.Audit;
using Tollgate.Runtime.Hosting;
using Tollgate.Runtime.Postgres;

namespace Tollgate.ApiHost;

/// <summary>How this process reaches the grains (<c>ApiHost:Mode</c>), shared by the HTTP host and the CLI.</summary>
internal static class TollgateBackend
{
    public static IServiceCollection AddTollgateBackend(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.GetValue("ApiHost:Mode", ApiHostMode.Embedded) == ApiHostMode.Cluster)
        {
            services.AddClusterClient();
        }
        else
        {
            services.AddSilo().AddTollgateGrains();
            services.AddHostedService<EmbeddedSiloLock>();
        }

        services.AddMigrations(new EmbeddedMigrations(typeof(TollgateBackend).Assembly, "apihost"));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AuditLog>();
        return services;
    }
}
