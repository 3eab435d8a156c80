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

    private TestSilo(IHost host) => _host = host;

    public GrainRuntime Runtime => _host.Services.GetRequiredService<GrainRuntime>();

    public IGrainFactory Grains => Runtime;

    public ActivationLog Log => _host.Services.GetRequiredService<ActivationLog>();

    public IGrainStorage Storage => _host.Services.GetRequiredService<IGrainStorage>();

    public static async Task<TestSilo> StartAsync(PostgresFixture postgres, IDictionary<string, string?>? settings = null, bool inMemory = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Tollgate"] = postgres.ConnectionString,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSilo()
            .AddGrains(typeof(TestSilo).Assembly)
            .AddGrainState(CounterState.Table)
            .AddGrainState(PairState.Table)
            .AddMigrations(new EmbeddedMigrations(typeof(TestSilo).Assembly, "runtime-tests"))
            .AddSingleton<ActivationLog>();
        if (inMemory)
        {
            builder.Services.UseInMemoryGrainStorage();
        }

        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
