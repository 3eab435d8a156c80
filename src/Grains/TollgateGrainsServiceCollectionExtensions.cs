using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tollgate.Grains.ApiKeys;
using Tollgate.Grains.Audit;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Identity;
using Tollgate.Grains.Organizations;
using Tollgate.Hosting;
using Tollgate.Storage;
using Tollgate.Postgres;

namespace Tollgate.Grains;

/// <summary>Registers the services of Tollgate's grains with a silo: their state tables, options and migrations (Orleans finds the grain classes).</summary>
public static class TollgateGrainsServiceCollectionExtensions
{
    public static IServiceCollection AddTollgateGrains(this IServiceCollection services)
    {
        services.AddOptions<IdentityOptions>().BindConfiguration(IdentityOptions.Section)
            .Configure<IConfiguration>((options, configuration) => options.BootstrapAdmins = ConfigurationLists.WithPlainValue(
                configuration, $"{IdentityOptions.Section}:{nameof(IdentityOptions.BootstrapAdmins)}", options.BootstrapAdmins))
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PasswordHasher>();
        services.TryAddSingleton<AuditLog>();
        services.AddOptions<QuotaOptions>().BindConfiguration(QuotaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IdempotencySweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<IdempotencySweeper>());
        return services
            .AddGrainState(UserState.Table)
            .AddGrainState(SessionState.Table)
            .AddGrainState(EmailState.Table)
            .AddGrainState(OrganizationState.Table)
            .AddGrainState(MemberState.Table)
            .AddGrainState(SlugState.Table)
            .AddGrainState(ApiKeyState.Table)
            .AddGrainState(AgentState.Table)
            .AddGrainState(SubscriptionState.Table)
            .AddMigrations(new EmbeddedMigrations(typeof(TollgateGrainsServiceCollectionExtensions).Assembly, "tollgate"));
    }
}
