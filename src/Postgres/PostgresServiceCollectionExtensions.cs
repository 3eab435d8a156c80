using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Tollgate.Postgres;

/// <summary>Registers the process's database: the configured server, or an embedded one, migrated at start-up.</summary>
public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="PostgresDatabase"/> (options from section <c>Database</c> and <c>ConnectionStrings:Tollgate</c>,
    /// validated at start-up), started and migrated by a hosted service. Call it before anything that needs the
    /// database while starting (Orleans' silo or client): hosted services start in the order they were added.
    /// </summary>
    public static IServiceCollection AddPostgresDatabase(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(PostgresDatabase)))
        {
            return services;
        }

        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .PostConfigure<IConfiguration>((options, configuration) =>
                options.ConnectionString = configuration.GetConnectionString("Tollgate") is { Length: > 0 } configured ? configured : options.ConnectionString)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<PostgresDatabase>();
        services.AddHostedService<DatabaseStartup>();
        return services;
    }

    /// <summary>Applies <paramref name="source"/>'s migrations at start-up.</summary>
    public static IServiceCollection AddMigrations(this IServiceCollection services, IMigrationSource source) =>
        services.AddSingleton(source);

    /// <summary>Starts (and migrates) the database when the host starts; disposal stops an embedded server.</summary>
    private sealed class DatabaseStartup(PostgresDatabase database) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => database.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
