using Microsoft.Extensions.DependencyInjection;
using Tollgate.Runtime.Hosting;
using Tollgate.Runtime.Postgres;

namespace Tollgate.Grains;

/// <summary>Registers Tollgate's grain classes, their state tables and their migrations with a silo.</summary>
public static class TollgateGrainsServiceCollectionExtensions
{
    public static IServiceCollection AddTollgateGrains(this IServiceCollection services) => services
        .AddGrains(typeof(TollgateGrainsServiceCollectionExtensions).Assembly)
        .AddMigrations(new EmbeddedMigrations(typeof(TollgateGrainsServiceCollectionExtensions).Assembly, "tollgate"));
}
