using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tollgate.Runtime;
using Tollgate.Runtime.Hosting;
using Tollgate.Runtime.Membership;

namespace Tollgate.Cluster.Benchmarks.Hosting;

/// <summary>
/// A silo hosted in the benchmark process, accepting grain calls over TCP on a free loopback port, with in-memory
/// grain storage and this assembly's grains: either standalone (no database) or a cluster member whose membership
/// and grain directory live in PostgreSQL. Set up the way <c>tests/Runtime.Tests/TestSilo.cs</c> does.
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    private readonly WebApplication _host;
    private bool _stopped;

    private BenchHost(WebApplication host, IPEndPoint endpoint)
    {
        _host = host;
        Endpoint = endpoint;
    }

    /// <summary>Where the silo accepts calls from clients and other silos.</summary>
    public IPEndPoint Endpoint { get; }

    public GrainRuntime Runtime => _host.Services.GetRequiredService<GrainRuntime>();

    public IGrainFactory Grains => Runtime;

    public IServiceProvider Services => _host.Services;

    /// <summary>Cluster members only.</summary>
    public MembershipService Membership => _host.Services.GetRequiredService<MembershipService>();

    /// <summary>A standalone silo: no membership, no database.</summary>
    public static Task<BenchHost> StartListeningAsync() => StartAsync(new Dictionary<string, string?>(), cluster: false);

    /// <summary>
    /// A member of cluster <paramref name="clusterId"/> over the PostgreSQL at <paramref name="connectionString"/>;
    /// <paramref name="cluster"/> holds <c>Cluster:*</c> settings (relative keys, e.g. <c>ProbePeriod</c>), the rest
    /// stay at their <see cref="ClusterOptions"/> defaults.
    /// </summary>
    public static Task<BenchHost> StartMemberAsync(string connectionString, string clusterId, IReadOnlyDictionary<string, string> cluster)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Tollgate"] = connectionString,
            ["Cluster:ClusterId"] = clusterId,
        };
        foreach (var (key, value) in cluster)
        {
            configuration["Cluster:" + key] = value;
        }

        return StartAsync(configuration, cluster: true);
    }

    /// <summary>Like kill -9 as far as the others can tell: no membership write, connections cut at once.</summary>
    public async Task KillAsync()
    {
        _stopped = true;
        await Membership.AbandonAsync();
        await _host.StopAsync(new CancellationToken(canceled: true));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync();
        }

        await _host.DisposeAsync();
    }

    private static async Task<BenchHost> StartAsync(Dictionary<string, string?> configuration, bool cluster)
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, FreePort());
        configuration["Silo:Address"] = endpoint.Address.ToString();
        configuration["Silo:Port"] = endpoint.Port.ToString(CultureInfo.InvariantCulture);
        var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        web.Configuration.AddInMemoryCollection(configuration);
        web.Logging.SetMinimumLevel(LogLevel.Warning);

        // Votes and "declared dead" are the expected outcome of a kill in the failure-detection mode, not news.
        web.Logging.AddFilter(typeof(MembershipService).FullName, LogLevel.Error);
        web.WebHost.UseSiloEndpoint(endpoint);
        web.Services.AddSilo()
            .UseInMemoryGrainStorage()
            .AddGrains(typeof(BenchHost).Assembly);
        if (cluster)
        {
            web.Services.AddClusterMembership();
        }

        var host = web.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return new BenchHost(host, endpoint);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
