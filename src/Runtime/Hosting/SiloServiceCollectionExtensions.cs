using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Runtime.Membership;
using Tollgate.Runtime.Postgres;

namespace Tollgate.Runtime.Hosting;

/// <summary>Registers a silo: the grain runtime, its storage and its database.</summary>
public static class SiloServiceCollectionExtensions
{
    /// <summary>
    /// The grain runtime with PostgreSQL storage (options from sections <c>Runtime</c> and <c>Database</c> and
    /// <c>ConnectionStrings:Tollgate</c>, validated at start-up) and the runtime's own migrations.
    /// </summary>
    public static IServiceCollection AddSilo(this IServiceCollection services)
    {
        services.AddRuntimeOptions().AddDatabase();
        services.AddOptions<GrainRuntimeOptions>()
            .Validate(o => o.CollectionAge > o.CollectionQuantum, "Runtime:CollectionAge must be longer than Runtime:CollectionQuantum.");
        services.TryAddSingleton(sp =>
        {
            var registry = new GrainClassRegistry();
            foreach (var grainAssembly in sp.GetServices<GrainAssembly>())
            {
                registry.AddAssembly(grainAssembly.Assembly);
            }

            return registry;
        });
        services.TryAddSingleton<StateTableRegistry>();
        services.TryAddSingleton<IGrainStorage, PostgresGrainStorage>();
        services.TryAddSingleton(sp => new GrainRuntime(
            sp, sp.GetRequiredService<GrainClassRegistry>(), sp.GetRequiredService<IOptions<GrainRuntimeOptions>>(), sp.GetRequiredService<ILogger<GrainRuntime>>()));
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
        services.TryAddTransient(typeof(IPersistentState<>), typeof(PersistentState<>));
        services.TryAddSingleton<IReadinessCheck, SiloReadiness>();
        services.AddHostedService<SiloHostedService>();
        return services;
    }

    /// <summary>
    /// A cluster client: no grains of its own; calls go to the silos of <c>Cluster:ClusterId</c>, found through
    /// membership in the database (<c>ConnectionStrings:Tollgate</c>).
    /// </summary>
    public static IServiceCollection AddClusterClient(this IServiceCollection services)
    {
        services.AddRuntimeOptions().AddDatabase().AddMembershipParts();
        services.TryAddSingleton<Client.ClusterClient>();
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<Client.ClusterClient>());
        services.TryAddSingleton<IReadinessCheck, Client.ClusterClientReadiness>();
        services.AddHostedService<Client.ClusterClientHostedService>();
        return services;
    }

    /// <summary>
    /// Cluster mode: this silo joins the membership of <c>Cluster:ClusterId</c> in PostgreSQL, advertising
    /// <c>Silo:Address</c>/<c>Silo:Port</c>, and takes part in failure detection.
    /// </summary>
    public static IServiceCollection AddClusterMembership(this IServiceCollection services)
    {
        services.AddMembershipParts();
        services.AddOptions<SiloEndpointOptions>().BindConfiguration(SiloEndpointOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<MembershipService>();
        services.TryAddSingleton<GrainDirectory.PostgresGrainDirectory>();
        services.TryAddSingleton<GrainDirectory.ClusterRouter>();
        return services;
    }

    private static IServiceCollection AddRuntimeOptions(this IServiceCollection services)
    {
        services.AddOptions<GrainRuntimeOptions>().BindConfiguration(GrainRuntimeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    private static IServiceCollection AddDatabase(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .PostConfigure<IConfiguration>((options, configuration) =>
                options.ConnectionString = configuration.GetConnectionString("Tollgate") is { Length: > 0 } configured ? configured : options.ConnectionString)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (!services.Any(d => d.ServiceType == typeof(PostgresDatabase)))
        {
            services.AddMigrations(new EmbeddedMigrations(typeof(GrainRuntime).Assembly, "runtime"));
        }

        services.TryAddSingleton<PostgresDatabase>();
        return services;
    }

    private static IServiceCollection AddMembershipParts(this IServiceCollection services)
    {
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<INetworkFilter, OpenNetwork>();
        services.TryAddSingleton<SiloPeers>();
        services.TryAddSingleton(sp => new PostgresMembershipTable(
            sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId));
        return services;
    }

    /// <summary>Hosts the grain classes of <paramref name="assembly"/>.</summary>
    public static IServiceCollection AddGrains(this IServiceCollection services, System.Reflection.Assembly assembly) =>
        services.AddSingleton(new GrainAssembly(assembly));

    /// <summary>Stores <typeparamref name="TState"/> in <paramref name="table"/>.</summary>
    public static IServiceCollection AddGrainState<TState>(this IServiceCollection services, StateTable<TState> table) where TState : class =>
        services.AddSingleton<StateTable>(table);

    /// <summary>Applies <paramref name="source"/>'s migrations at start-up.</summary>
    public static IServiceCollection AddMigrations(this IServiceCollection services, IMigrationSource source) =>
        services.AddSingleton(source);

    /// <summary>Keeps grain state in process memory instead of PostgreSQL (no database is started).</summary>
    public static IServiceCollection UseInMemoryGrainStorage(this IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<IGrainStorage, InMemoryGrainStorage>());
}
