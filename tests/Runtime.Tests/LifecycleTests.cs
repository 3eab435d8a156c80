using Tollgate.Runtime.Tests.Grains;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.Runtime.Tests;

[Collection(PostgresCollection.Name)]
public sealed class LifecycleTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static string NewKey() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task AGrainActivatesOnItsFirstCallAndOnlyOnce()
    {
        await using var silo = await TestSilo.StartAsync(postgres);
        var key = NewKey();
        var counter = silo.Grains.GetGrain<ICounterGrain>(key);

        Assert.False(silo.Runtime.IsActive(new GrainId(typeof(ICounterGrain).FullName!, key)));
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => counter.AddAsync(1))));

        Assert.Equal(1, silo.Log.Activations(key));
        Assert.Equal(50, await counter.GetAsync());
    }

    [Fact]
    public async Task IdleActivationsAreCollectedAndTheirStateSurvives()
    {
        await using var silo = await TestSilo.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Runtime:CollectionAge"] = "00:00:00.300",
            ["Runtime:CollectionQuantum"] = "00:00:00.100",
        });
        var key = NewKey();
        var counter = silo.Grains.GetGrain<ICounterGrain>(key);
        await counter.AddAsync(5);

        await Eventually.TrueAsync(() => silo.Log.Deactivations(key).Count == 1, Deadline, "the idle counter is collected");

        Assert.Equal([DeactivationReason.IdleCollection], silo.Log.Deactivations(key));
        Assert.Equal(5, await counter.GetAsync());
        Assert.Equal(2, silo.Log.Activations(key));
    }

    [Fact]
    public async Task ABusyActivationIsNotCollected()
    {
        await using var silo = await TestSilo.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Runtime:CollectionAge"] = "00:00:00.100",
            ["Runtime:CollectionQuantum"] = "00:00:00.050",
        });
        var key = NewKey();
        var probe = silo.Grains.GetGrain<ITurnProbeGrain>(key);

        await probe.SleepAsync(600);
        var collectedDuringTheTurn = silo.Log.Deactivations(key).Count;

        Assert.Equal(0, collectedDuringTheTurn);
        await Eventually.TrueAsync(() => silo.Log.Deactivations(key).Count == 1, Deadline, "the probe is collected once idle");
    }

    [Fact]
    public async Task StateSurvivesARestartOfTheHost()
    {
        var key = NewKey();
        await using (var first = await TestSilo.StartAsync(postgres))
        {
            await first.Grains.GetGrain<ICounterGrain>(key).AddAsync(7);
            await first.Grains.GetGrain<ICounterGrain>(key).SetLabelAsync("kept");
        }

        await using var second = await TestSilo.StartAsync(postgres);
        var counter = second.Grains.GetGrain<ICounterGrain>(key);

        Assert.Equal(7, await counter.GetAsync());
        Assert.Equal("kept", await counter.GetLabelAsync());
    }

    [Fact]
    public async Task ShutdownDeactivatesEveryActivation()
    {
        var silo = await TestSilo.StartAsync(postgres);
        var keys = Enumerable.Range(0, 5).Select(_ => NewKey()).ToList();
        await Task.WhenAll(keys.Select(k => silo.Grains.GetGrain<ICounterGrain>(k).GetAsync()));
        var (log, runtime) = (silo.Log, silo.Runtime);

        await silo.DisposeAsync();

        Assert.All(keys, k => Assert.Equal([DeactivationReason.ShuttingDown], log.Deactivations(k)));
        Assert.Equal(0, runtime.ActivationCount);
        await Assert.ThrowsAsync<GrainShutdownException>(() => runtime.GetGrain<ICounterGrain>(keys[0]).GetAsync());
    }

    [Fact]
    public async Task AFailedActivationFailsItsCallsAndIsRetriedOnTheNextCall()
    {
        await using var silo = await TestSilo.StartAsync(postgres);
        var key = NewKey();
        var broken = silo.Grains.GetGrain<IBrokenGrain>(key);

        var first = await Assert.ThrowsAsync<GrainActivationException>(() => broken.CallAsync());
        await Assert.ThrowsAsync<GrainActivationException>(() => broken.CallAsync());

        Assert.Contains("broken on purpose", first.Message);
        Assert.Equal(2, silo.Log.Activations(key));
    }
}
