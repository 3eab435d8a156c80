using Microsoft.Extensions.DependencyInjection;
using Tollgate.Runtime.Hosting;
using Tollgate.Runtime.Postgres;
using Tollgate.Runtime.Tests.Grains;

namespace Tollgate.Runtime.Tests;

/// <summary>Registers the test grains, their state tables and migrations with a silo (in-process or a real process).</summary>
public sealed class TestGrainsModule : ISiloModule
{
    public void ConfigureServices(IServiceCollection services) => services
        .AddGrains(typeof(TestGrainsModule).Assembly)
        .AddGrainState(CounterState.Table)
        .AddGrainState(PairState.Table)
        .AddGrainState(BatchedCounterState.Table)
        .AddMigrations(new EmbeddedMigrations(typeof(TestGrainsModule).Assembly, "runtime-tests"))
        .AddSingleton<ActivationLog>();
}
