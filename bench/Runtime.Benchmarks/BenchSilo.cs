using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tollgate.Runtime.Benchmarks.Grains;
using Tollgate.Runtime.Hosting;

namespace Tollgate.Runtime.Benchmarks;

/// <summary>An in-process silo host over in-memory storage (no database), hosting the bench grains.</summary>
public sealed class BenchSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchSilo(IHost host) => _host = host;

    public GrainRuntime Runtime => _host.Services.GetRequiredService<GrainRuntime>();

    public IGrainFactory Grains => Runtime;

    public static async Task<BenchSilo> StartAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSilo()
            .UseInMemoryGrainStorage()
            .AddGrains(typeof(BenchSilo).Assembly)
            .AddGrainState(BenchState.Table);
        var host = builder.Build();
        await host.StartAsync();
        return new BenchSilo(host);
    }

    /// <summary>Makes <paramref name="call"/> once on the grain of each key, all issued together, and waits for all.</summary>
    public Task CallEachAsync<TGrain>(IReadOnlyList<string> keys, Func<TGrain, Task<int>> call)
        where TGrain : IGrainWithStringKey
    {
        var calls = new Task<int>[keys.Count];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = call(Grains.GetGrain<TGrain>(keys[i]));
        }

        return Task.WhenAll(calls);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
