using Tollgate.Runtime.Tests.Grains;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.Runtime.Tests;

/// <summary>Group-committed state tables: writes of many grains share a transaction, and each still stands alone.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GroupCommitTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ManyGrainsWritingAtOnceAllLandWithTheirOwnValues()
    {
        await using var silo = await TestSilo.StartAsync(postgres);
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var keys = Enumerable.Range(0, 100).Select(i => $"{prefix}-{i}").ToArray();

        await Task.WhenAll(keys.SelectMany(key => Enumerable.Range(1, 5).Select(_ => silo.Grains.GetGrain<IBatchedCounterGrain>(key).AddAsync(2, null))));

        Assert.Equal(100L, await postgres.ScalarAsync<long>("SELECT count(*) FROM test_batched_counters WHERE id LIKE $1 AND value = 10", prefix + "-%"));
    }

    [Fact]
    public async Task AWriteWhoseCompanionFailsFailsAloneAndTheOthersOfItsGroupCommit()
    {
        await using var silo = await TestSilo.StartAsync(postgres);
        var prefix = Guid.NewGuid().ToString("N")[..8];
        await postgres.ScalarAsync<object>("INSERT INTO test_notes (counter_id, note) VALUES ('x', $1)", prefix + "-taken");

        var writes = Enumerable.Range(0, 40).Select(i => Outcome(silo.Grains.GetGrain<IBatchedCounterGrain>($"{prefix}-{i}")
            .AddAsync(1, i == 17 ? prefix + "-taken" : $"{prefix}-note-{i}"))).ToArray();
        var outcomes = await Task.WhenAll(writes);

        Assert.Single(outcomes.OfType<Exception>());
        Assert.IsAssignableFrom<Exception>(outcomes[17]);
        Assert.Equal(39L, await postgres.ScalarAsync<long>("SELECT count(*) FROM test_batched_counters WHERE id LIKE $1 AND value = 1", prefix + "-%"));
        Assert.Equal(39L, await postgres.ScalarAsync<long>("SELECT count(*) FROM test_notes WHERE note LIKE $1", prefix + "-note-%"));
        Assert.Equal(0, await silo.Grains.GetGrain<IBatchedCounterGrain>($"{prefix}-17").GetAsync());
    }

    [Fact]
    public async Task AWriteTheDatabaseRefusesFailsAloneAndTheOthersOfItsCompanionFreeGroupCommitOnce()
    {
        // Without companions a group is one implicit transaction: all of it or none, so the retry of each write
        // alone finds its expected version unchanged (a partial commit would make those retries conflict).
        await using var silo = await TestSilo.StartAsync(postgres);
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var grains = Enumerable.Range(0, 40).Select(i => silo.Grains.GetGrain<IBatchedCounterGrain>($"{prefix}-{i}")).ToArray();
        await Task.WhenAll(grains.Select(g => g.AddAsync(1, null)));

        var outcomes = await Task.WhenAll(grains.Select((g, i) => Outcome(g.AddAsync(i == 23 ? 5_000_000 : 1, null))));

        Assert.Single(outcomes.OfType<Exception>());
        Assert.IsAssignableFrom<Exception>(outcomes[23]);
        Assert.Equal(39L, await postgres.ScalarAsync<long>("SELECT count(*) FROM test_batched_counters WHERE id LIKE $1 AND value = 2", prefix + "-%"));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT value FROM test_batched_counters WHERE id = $1", $"{prefix}-23"));
        Assert.Equal(1, await grains[23].GetAsync());
    }

    [Fact]
    public async Task AStaleWriteInAGroupFailsAloneWithoutItsCompanions()
    {
        await using var siloA = await TestSilo.StartAsync(postgres);
        await using var siloB = await TestSilo.StartAsync(postgres);
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var contested = $"{prefix}-contested";
        await siloA.Grains.GetGrain<IBatchedCounterGrain>(contested).AddAsync(1, null);
        await siloB.Grains.GetGrain<IBatchedCounterGrain>(contested).GetAsync(); // B now holds the same version
        await siloA.Grains.GetGrain<IBatchedCounterGrain>(contested).AddAsync(1, null); // and B's is stale

        var others = Enumerable.Range(0, 30).Select(i => siloB.Grains.GetGrain<IBatchedCounterGrain>($"{prefix}-{i}").AddAsync(1, $"{prefix}-other-{i}"));
        var stale = Outcome(siloB.Grains.GetGrain<IBatchedCounterGrain>(contested).AddAsync(100, $"{prefix}-stale"));
        await Task.WhenAll(others);

        Assert.IsType<InconsistentStateException>(await stale);
        Assert.Equal(2L, await postgres.ScalarAsync<long>("SELECT value FROM test_batched_counters WHERE id = $1", contested));
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM test_notes WHERE note = $1", prefix + "-stale"));
        Assert.Equal(30L, await postgres.ScalarAsync<long>("SELECT count(*) FROM test_notes WHERE note LIKE $1", prefix + "-other-%"));
    }

    private static async Task<object> Outcome(Task<long> call)
    {
        try
        {
            return await call;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }
}
