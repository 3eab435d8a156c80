using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tollgate.Runtime.Client;
using Tollgate.Runtime.Hosting;
using Tollgate.Testing;

namespace Tollgate.Runtime.Tests;

/// <summary>A cluster client host (as the API host in cluster mode runs one) following a test cluster.</summary>
public sealed class TestClusterClient : IAsyncDisposable
{
    private readonly IHost _host;

    private TestClusterClient(IHost host) => _host = host;

    public ClusterClient Client => _host.Services.GetRequiredService<ClusterClient>();

    public Membership.PostgresMembershipTable Membership => _host.Services.GetRequiredService<Membership.PostgresMembershipTable>();

    public static async Task<TestClusterClient> StartAsync(PostgresFixture postgres, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Tollgate"] = postgres.ConnectionString,
            ["Cluster:ClusterId"] = clusterId,
            ["Cluster:RefreshPeriod"] = "00:00:00.300",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddClusterClient();
        var host = builder.Build();
        await host.StartAsync();
        return new TestClusterClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
