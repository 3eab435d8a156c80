using Tollgate.Runtime.Tests.Grains;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.Runtime.Tests;

[Collection(PostgresCollection.Name)]
public sealed class TurnTests(PostgresFixture postgres)
{
    private static string NewKey() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task TurnsOfOneGrainNeverOverlapEvenAcrossAwaits()
    {
        await using var silo = await TestSilo.StartAsync(postgres);
        var probe = silo.Grains.GetGrain<ITurnProbeGrain>(NewKey());

        await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => probe.EnterAsync(yields: 2))));

        var (calls, maxConcurrent) = await probe.StatsAsync();
        Assert.Equal(100, calls);
        Assert.Equal(1, maxConcurrent);
    }

    [Fact]
    public async Task DifferentGrainsRunConcurrently()
    {
        await using var silo = await TestSilo.StartAsync(postgres);
        var keys = Enumerable.Range(0, 20).Select(_ => NewKey()).ToList();

        // 20 grains each sleeping 300 ms finish together, far below the 6 s a serial runtime would need.
        var all = Task.WhenAll(keys.Select(k => silo.Grains.GetGrain<ITurnProbeGrain>(k).SleepAsync(300)));
        var finished = await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(5)));

        Assert.Same(all, finished);
    }

    [Fact]
    public async Task ACallPastItsTimeoutFailsWithAnUnknownOutcomeError()
    {
        await using var silo = await TestSilo.StartAsync(postgres, new Dictionary<string, string?> { ["Runtime:ResponseTimeout"] = "00:00:00.200" });
        var probe = silo.Grains.GetGrain<ITurnProbeGrain>(NewKey());

        var error = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => probe.SleepAsync(3_000));

        Assert.False(error.IsRetriable);
        Assert.Contains("SleepAsync", error.Message);
    }

    [Fact]
    public async Task ACallQueuedBehindASlowTurnAlsoTimesOut()
    {
        await using var silo = await TestSilo.StartAsync(postgres, new Dictionary<string, string?> { ["Runtime:ResponseTimeout"] = "00:00:00.300" });
        var probe = silo.Grains.GetGrain<ITurnProbeGrain>(NewKey());
        await probe.StatsAsync();

        var slow = probe.SleepAsync(2_000);
        var queued = probe.StatsAsync();

        await Assert.ThrowsAsync<GrainCallTimeoutException>(() => queued);
        await Assert.ThrowsAsync<GrainCallTimeoutException>(() => slow);
    }

    [Fact]
    public async Task ACallCycleBetweenTwoNonReentrantGrainsCompletes()
    {
        await using var silo = await TestSilo.StartAsync(postgres, new Dictionary<string, string?> { ["Runtime:ResponseTimeout"] = "00:00:05" });
        var (a, b) = (NewKey(), NewKey());

        // A → B → A → B → A: every hop back into a waiting turn is the same call chain.
        var pings = await silo.Grains.GetGrain<ICycleGrain>(a).PingAsync(b, depth: 4);

        Assert.Equal(3, pings);
    }

    [Fact]
    public async Task AnotherCallerStillQueuesBehindACycle()
    {
        await using var silo = await TestSilo.StartAsync(postgres, new Dictionary<string, string?> { ["Runtime:ResponseTimeout"] = "00:00:05" });
        var (a, b) = (NewKey(), NewKey());
        var grain = silo.Grains.GetGrain<ICycleGrain>(a);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => grain.PingAsync(b, depth: 2)));

        // Each outer call adds 2 pings to A (its own and the one coming back); none interleaved with another.
        Assert.Equal(Enumerable.Range(1, 10).Select(i => 2 * i).ToArray(), results.Order().ToArray());
    }
}
