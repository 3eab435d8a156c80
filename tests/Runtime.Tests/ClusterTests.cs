using Tollgate.Runtime.Membership;
using Tollgate.Runtime.Tests.Grains;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.Runtime.Tests;

/// <summary>Three silos on one PostgreSQL, calling each other over loopback: runtime.md's cluster proofs.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private static string NewKey() => Guid.NewGuid().ToString("N");

    [Theory]
    [InlineData("Hash")]
    [InlineData("PreferLocal")] // every silo activates locally: registrations race, losers forward to the winner
    public async Task ConcurrentFirstCallsOnThreeSilosCreateExactlyOneActivationPerGrain(string placement)
    {
        var cluster = "c" + NewKey()[..12];
        var settings = new Dictionary<string, string?> { ["Cluster:Placement"] = placement };
        await using var a = await TestSilo.StartMemberAsync(postgres, cluster, settings: settings);
        await using var b = await TestSilo.StartMemberAsync(postgres, cluster, settings: settings);
        await using var c = await TestSilo.StartMemberAsync(postgres, cluster, settings: settings);
        TestSilo[] silos = [a, b, c];
        await Eventually.TrueAsync(() => silos.All(s => s.Membership.Snapshot.ActiveSilos.Count == 3), Deadline, "all see three");
        var keys = Enumerable.Range(0, 10).Select(_ => NewKey()).ToList();

        // 100 callers, spread over the three silos, each adding 1 to each of the 10 fresh grains at once.
        await Task.WhenAll(Enumerable.Range(0, 100).Select(caller => Task.Run(async () =>
        {
            var silo = silos[caller % 3];
            await Task.WhenAll(keys.Select(k => silo.Grains.GetGrain<ICounterGrain>(k).AddAsync(1)));
        })));

        foreach (var key in keys)
        {
            Assert.Equal(1, silos.Sum(s => s.Log.Activations(key)));
            Assert.Equal(100L, await postgres.ScalarAsync<long>("SELECT value FROM test_counters WHERE id = $1", key));
            Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM grain_directory WHERE grain_key = $1", key));
        }
    }

    [Fact]
    public async Task KillingOneOfThreeSilosUnderLoadLosesNoAcknowledgedWrite()
    {
        var cluster = "c" + NewKey()[..12];
        await using var a = await TestSilo.StartMemberAsync(postgres, cluster);
        await using var b = await TestSilo.StartMemberAsync(postgres, cluster);
        var c = await TestSilo.StartMemberAsync(postgres, cluster);
        await Eventually.TrueAsync(() => a.Membership.Snapshot.ActiveSilos.Count == 3, Deadline, "all active");
        var victim = c.Membership.Self!;
        var load = new CounterLoad(a.Grains, keys: 30);
        var running = load.RunAsync(callers: 16, TimeSpan.FromSeconds(5));

        await Task.Delay(TimeSpan.FromSeconds(1));
        await c.KillAsync();
        await running;
        await c.DisposeAsync();

        Assert.Equal(SiloStatus.Dead, (await a.Membership.RefreshAsync(default)).Find(victim)!.Status);
        Assert.Equal(0L, await postgres.ScalarAsync<long>(
            "SELECT count(*) FROM grain_directory WHERE silo_port = $1 AND silo_generation = $2", victim.Port, victim.Generation));
        Assert.True(load.Acknowledged > 100, $"the load ran: {load}");
        await load.AuditAsync(postgres);
        foreach (var key in load.Keys)
        {
            // Reactivated on a live silo with exactly what was stored.
            Assert.Equal(await postgres.ScalarAsync<long>("SELECT value FROM test_counters WHERE id = $1", key), await b.Grains.GetGrain<ICounterGrain>(key).GetAsync());
        }
    }
}
