using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tollgate.Runtime.Hosting;
using Tollgate.Runtime.Postgres;
using Tollgate.Runtime.Tests.Grains;
using Tollgate.Testing;

namespace Tollgate.Runtime.Tests;

/// <summary>A real silo host over the shared PostgreSQL server, hosting this assembly's test grains.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;

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

    public static async Task<TestSilo> StartAsync(PostgresFixture postgres, IDictionary<string, string?>? settings = null, bool inMemory = false, bool listen = false)
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
            var web = WebApplication.CreateSlimBuilder();
            web.Configuration.AddInMemoryCollection(configuration);
            web.WebHost.UseSiloEndpoint(endpoint);
            Configure(web.Services, web.Logging, inMemory);
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
        await _host.StopAsync();
        _host.Dispose();
    }

    private static void Configure(IServiceCollection services, ILoggingBuilder logging, bool inMemory)
    {
        logging.SetMinimumLevel(LogLevel.Warning);
        services.AddSilo()
            .AddGrains(typeof(TestSilo).Assembly)
            .AddGrainState(CounterState.Table)
            .AddGrainState(PairState.Table)
            .AddMigrations(new EmbeddedMigrations(typeof(TestSilo).Assembly, "runtime-tests"))
            .AddSingleton<ActivationLog>();
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
