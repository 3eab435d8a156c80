using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Tollgate.Postgres;

namespace Tollgate.Storage;

/// <summary>Registers the typed PostgreSQL grain storage and the tables of its state types.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="PostgresGrainStorage"/> as Orleans' default grain storage (so <c>[PersistentState("name")]</c> uses
    /// it), with the storage migrations. The database itself is registered with <c>AddPostgresDatabase</c>.
    /// </summary>
    public static IServiceCollection AddTypedGrainStorage(this IServiceCollection services)
    {
        services.TryAddSingleton<StateTableRegistry>();
        services.TryAddSingleton<PostgresGrainStorage>();
        if (!services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME) && d.ServiceType == typeof(IGrainStorage)))
        {
            services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) => sp.GetRequiredService<PostgresGrainStorage>());
            services.AddMigrations(new EmbeddedMigrations(typeof(PostgresGrainStorage).Assembly, "storage"));
        }

        return services;
    }

    /// <summary>Stores <typeparamref name="TState"/> in <paramref name="table"/>.</summary>
    public static IServiceCollection AddGrainState<TState>(this IServiceCollection services, StateTable<TState> table) =>
        services.AddSingleton<StateTable>(table);
}
