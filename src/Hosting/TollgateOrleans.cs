using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Tollgate.Postgres;
using Tollgate.Storage;

namespace Tollgate.Hosting;

/// <summary>
/// Runs a process on Orleans the Tollgate way: membership in PostgreSQL (Orleans' ADO.NET clustering over our own
/// migration of its tables and queries), typed grain storage, failure detection tuned to cost seconds, activity
/// propagation across grain calls, grain-call metrics and readiness from membership. With <c>Cluster:Tls</c>
/// (<see cref="ClusterTlsSettings"/>) every silo-to-silo and client-to-gateway connection is mutual TLS, so reaching a
/// silo's ports is not enough to call its grains.
/// </summary>
public static class TollgateOrleans
{
    /// <summary>The embedded silo's default ports, when they are free.</summary>
    public const int DefaultSiloPort = 11111;

    public const int DefaultGatewayPort = 30000;

    /// <summary>
    /// This process is a silo: it hosts grains (registered by <paramref name="grains"/>) and joins the cluster of
    /// <c>Cluster:ClusterId</c>. <paramref name="embedded"/>: an API host's co-hosted silo (one process serving HTTP
    /// and grains); otherwise a silo process.
    /// </summary>
    public static IHostApplicationBuilder AddTollgateSilo(this IHostApplicationBuilder builder, Action<IServiceCollection> grains, bool embedded)
    {
        var configuration = builder.Configuration;
        var settings = Bind<ClusterSettings>(configuration, ClusterSettings.Section);
        var endpoint = Bind<SiloEndpointOptions>(configuration, SiloEndpointOptions.Section);
        var address = IPAddress.Parse(endpoint.Address);
        // Unset ports: the defaults when free (always, in a pod of its own), else free ones, so several silos, API
        // hosts and the CLI can share one machine. The membership table says which ports each silo took.
        var siloPort = endpoint.Port ?? FreePort(address, DefaultSiloPort);
        var gatewayPort = endpoint.GatewayPort ?? FreePort(address, DefaultGatewayPort);
        var tls = LoadTls(builder);

        AddCommon(builder.Services);
        builder.Services.AddOptions<SiloEndpointOptions>().BindConfiguration(SiloEndpointOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<IReadinessCheck, SiloReadiness>();
        builder.Services.TryAddSingleton<ClusterMetrics.SiloMarker>();
        builder.Services.AddTypedGrainStorage();
        grains(builder.Services);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, settings.ServiceId));
            silo.Configure<SiloOptions>(o => o.SiloName = endpoint.Name is { Length: > 0 } name ? name : $"{(embedded ? "apihost" : "silo")}-{Dns.GetHostName()}-{siloPort}");
            silo.ConfigureEndpoints(address, siloPort, gatewayPort);
            silo.UseAdoNetClustering(o => o.Invariant = Invariant);
            silo.Services.AddOptions<Orleans.Configuration.AdoNetClusteringSiloOptions>()
                .Configure<PostgresDatabase>((o, database) => o.DataSource = new DeferredDataSource(database));
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = settings.ProbeTimeout;
                o.NumMissedProbesLimit = settings.MissedProbesLimit;
                o.TableRefreshTimeout = settings.RefreshPeriod;
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = o.SystemResponseTimeout = settings.ResponseTimeout);
            silo.Configure<ConnectionOptions>(o => o.ConnectionsPerEndpoint = settings.ConnectionsPerEndpoint);
            if (tls is not null)
            {
                // Silo-to-silo connections both ways and the gateway's inbound ones.
                silo.UseTls(tls.Certificate, tls.Configure);
                silo.Services.AddOptions<SiloConnectionOptions>().Configure<ILoggerFactory>((_, loggers) => tls.UseLogger(loggers));
            }

            if (settings.Directory == GrainDirectoryKind.Distributed)
            {
#pragma warning disable ORLEANSEXP003 // experimental in 10.4.2: chosen by measurement (README, "One activation")
                silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
                silo.Configure<GrainDirectoryOptions>(o => o.RangeLeaseDuration = settings.DirectoryLease);
            }

            switch (settings.Placement)
            {
                case GrainPlacementKind.Hash:
                    silo.Services.AddSingleton<Orleans.Runtime.PlacementStrategy, Orleans.Runtime.HashBasedPlacement>();
                    break;
                case GrainPlacementKind.Random:
                    silo.Services.AddSingleton<Orleans.Runtime.PlacementStrategy, Orleans.Runtime.RandomPlacement>();
                    break;
            }

            if (settings.Dashboard)
            {
                // No live log stream: logs may carry what a dashboard viewer should not see.
                silo.AddDashboard(o => o.HideTrace = true);
            }

            silo.AddActivityPropagation();
            silo.AddIncomingGrainCallFilter<GrainCallTelemetryFilter>();
            silo.AddOutgoingGrainCallFilter<RejectedCallRetryFilter>();
        });
        builder.Services.AddSingleton<Orleans.Runtime.IConfigureGrainContextProvider, ActivationCounter>();
        builder.Services.AddHostedService<MembershipLog>();
        return builder;
    }

    /// <summary>This process is a client of the silos of <c>Cluster:ClusterId</c>, found through the membership table.</summary>
    public static IHostApplicationBuilder AddTollgateClient(this IHostApplicationBuilder builder)
    {
        var settings = Bind<ClusterSettings>(builder.Configuration, ClusterSettings.Section);
        var tls = LoadTls(builder);
        AddCommon(builder.Services);
        builder.Services.TryAddSingleton<ClientReadiness>();
        builder.Services.TryAddSingleton<IReadinessCheck>(sp => sp.GetRequiredService<ClientReadiness>());
        builder.Services.AddSingleton<Orleans.IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<ClientReadiness>());
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, settings.ServiceId));
            client.UseAdoNetClustering(o => o.Invariant = Invariant);
            client.Services.AddOptions<Orleans.Configuration.AdoNetClusteringClientOptions>()
                .Configure<PostgresDatabase>((o, database) => o.DataSource = new DeferredDataSource(database));
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = settings.RefreshPeriod);
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = settings.ResponseTimeout);
            client.Configure<ConnectionOptions>(o => o.ConnectionsPerEndpoint = settings.ConnectionsPerEndpoint);
            if (tls is not null)
            {
                client.UseTls(tls.Certificate, tls.Configure);
                client.Services.AddOptions<ClientConnectionOptions>().Configure<ILoggerFactory>((_, loggers) => tls.UseLogger(loggers));
            }

            if (settings.Dashboard)
            {
                client.AddDashboard(o => o.HideTrace = true);
            }

            client.UseConnectionRetryFilter<RetryUntilStopped>();
            client.AddOutgoingGrainCallFilter<RejectedCallRetryFilter>();
            client.AddActivityPropagation();
        });
        return builder;
    }

    /// <summary>Orleans' membership tables and the <c>OrleansQuery</c> rows its ADO.NET clustering runs, as our own migrations.</summary>
    public static IMigrationSource ClusteringMigrations { get; } = new EmbeddedMigrations(typeof(TollgateOrleans).Assembly, "clustering");

    /// <summary>Orleans' ADO.NET invariant for Npgsql.</summary>
    private const string Invariant = "Npgsql";

    private static void AddCommon(IServiceCollection services)
    {
        services.AddPostgresDatabase();
        services.AddMigrations(ClusteringMigrations);
        services.AddOptions<ClusterSettings>().BindConfiguration(ClusterSettings.Section).ValidateDataAnnotations().ValidateOnStart();
    }

    /// <summary>
    /// <c>Cluster:Tls</c>, or null when it is off. A mistake in it fails the host's start, before any hosted service:
    /// <see cref="StartupFailureExtensions.RunUntilStartupFailsAsync"/> prints it as one line, and Orleans never opens
    /// a port without the TLS it was meant to have.
    /// </summary>
    private static ClusterTls? LoadTls(IHostApplicationBuilder builder)
    {
        try
        {
            return ClusterTls.FromConfiguration(builder.Configuration);
        }
        catch (OptionsValidationException invalid)
        {
            builder.Services.AddOptions<ClusterTlsSettings>().Validate(_ => false, invalid.Message).ValidateOnStart();
            return null;
        }
    }

    private static T Bind<T>(IConfiguration configuration, string section) where T : new()
    {
        var options = configuration.GetSection(section).Get<T>() ?? new T();
        Validator.ValidateObject(options!, new System.ComponentModel.DataAnnotations.ValidationContext(options!), validateAllProperties: true);
        return options;
    }

    /// <summary><paramref name="preferred"/> when it can be bound on <paramref name="address"/>, else a free port there.</summary>
    private static int FreePort(IPAddress address, int preferred)
    {
        try
        {
            using var probe = new TcpListener(address, preferred);
            probe.Start();
            return preferred;
        }
        catch (SocketException)
        {
            using var any = new TcpListener(address, 0);
            any.Start();
            return ((IPEndPoint)any.LocalEndpoint).Port;
        }
    }

    private static class Validator
    {
        public static void ValidateObject(object instance, System.ComponentModel.DataAnnotations.ValidationContext context, bool validateAllProperties)
        {
            var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
            if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(instance, context, results, validateAllProperties))
            {
                throw new OptionsValidationException(instance.GetType().Name, instance.GetType(), results.Select(r => r.ErrorMessage ?? "invalid"));
            }
        }
    }

    /// <summary>A client keeps trying to reach the cluster until the host stops: silos may start after it.</summary>
    private sealed class RetryUntilStopped : Orleans.IClientConnectionRetryFilter
    {
        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        }
    }
}
