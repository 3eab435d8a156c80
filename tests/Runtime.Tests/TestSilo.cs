using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tollgate.Runtime.Hosting;
using Tollgate.Runtime.Membership;
using Tollgate.Runtime.Tests.Grains;
using Tollgate.Testing;

namespace Tollgate.Runtime.Tests;

/// <summary>A real silo host over the shared PostgreSQL server, hosting this assembly's test grains.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _killed;

    private TestSilo(IHost host, IPEndPoint? endpoint)
    {
        _host = host;
        Endpoint = endpoint;
    }

    public GrainRuntime Runtime => _host.Services.GetRequiredService<GrainRuntime>();

    public IGrainFactory Grains => Runtime;

    public ActivationLog Log => _host.Services.GetRequiredService<ActivationLog>();

    public IGrainStorage Storage => _host.Services.GetRequiredService<IGrainStorage>();

    /// <summary>Where the silo accepts remote calls, when started with <c>listen: true</c>.</summary>
    public IPEndPoint? Endpoint { get; }

    public IServiceProvider ServiceProvider => _host.Services;

    public MembershipService Membership => _host.Services.GetRequiredService<MembershipService>();

    /// <summary>Signalled when the silo stops itself (for example after reading that it was declared dead).</summary>
    public CancellationToken Stopping => _host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

    /// <summary>A cluster member with test failure-detection settings, on <paramref name="network"/>.</summary>
    public static Task<TestSilo> StartMemberAsync(PostgresFixture postgres, string clusterId, INetworkFilter? network = null, IDictionary<string, string?>? settings = null)
    {
        var cluster = new Dictionary<string, string?>
        {
            ["Cluster:ClusterId"] = clusterId,
            ["Cluster:ProbePeriod"] = "00:00:00.200",
            ["Cluster:ProbeTimeout"] = "00:00:00.300",
            ["Cluster:MissedProbesLimit"] = "3",
            ["Cluster:RefreshPeriod"] = "00:00:00.300",
            ["Cluster:IAmAlivePeriod"] = "00:00:00.500",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            cluster[key] = value;
        }

        return StartAsync(postgres, cluster, listen: true, network: network ?? new OpenNetworkForTests());
    }

    public static async Task<TestSilo> StartAsync(PostgresFixture postgres, IDictionary<string, string?>? settings = null, bool inMemory = false, bool listen = false, INetworkFilter? network = null)
    {
        var configuration = new Dictionary<string, string?> { ["ConnectionStrings:Tollgate"] = postgres.ConnectionString };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        IPEndPoint? endpoint = null;
        IHost host;
        if (listen)
        {
            endpoint = new IPEndPoint(IPAddress.Loopback, FreePort());
            configuration["Silo:Address"] = endpoint.Address.ToString();
            configuration["Silo:Port"] = endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var web = WebApplication.CreateSlimBuilder();
            web.Configuration.AddInMemoryCollection(configuration);
            web.WebHost.UseSiloEndpoint(endpoint);
            Configure(web.Services, web.Logging, inMemory);
            if (network is not null)
            {
                web.Services.AddClusterMembership().AddSingleton(network);
            }
            host = web.Build();
        }
        else
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(configuration);
            Configure(builder.Services, builder.Logging, inMemory);
            host = builder.Build();
        }

        await host.StartAsync();
        return new TestSilo(host, endpoint);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_killed)
        {
            await _host.StopAsync();
        }

        _host.Dispose();
    }

    /// <summary>Like kill -9 as far as the others can tell: no membership write, connections cut at once.</summary>
    public async Task KillAsync()
    {
        _killed = true;
        await Membership.AbandonAsync();
        await _host.StopAsync(new CancellationToken(canceled: true));
    }

    private static void Configure(IServiceCollection services, ILoggingBuilder logging, bool inMemory)
    {
        logging.SetMinimumLevel(LogLevel.Warning);
        services.AddSilo();
        new TestGrainsModule().ConfigureServices(services);
        if (inMemory)
        {
            services.UseInMemoryGrainStorage();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
