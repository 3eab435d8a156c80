using Tollgate.Runtime.Tests.Grains;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.Runtime.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PersistenceTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static string NewKey() => Guid.NewGuid().ToString("N");

    private static GrainId CounterId(string key) => new(typeof(ICounterGrain).FullName!, key);

    [Fact]
    public async Task TwoConcurrentWritersOfOneStateOneWinsAndTheOtherActivationDrops()
    {
        await using var siloA = await TestSilo.StartAsync(postgres);
        await using var siloB = await TestSilo.StartAsync(postgres);
        var key = NewKey();
        await siloA.Grains.GetGrain<ICounterGrain>(key).AddAsync(10);
        var (a, b) = (siloA.Grains.GetGrain<ICounterGrain>(key), siloB.Grains.GetGrain<ICounterGrain>(key));
        await b.GetAsync(); // both activations now hold the same version

        var writes = new[] { Task.Run(() => a.AddAsync(1)), Task.Run(() => b.AddAsync(100)) };
        var outcomes = await Task.WhenAll(writes.Select(Outcome));

        var error = Assert.Single(outcomes.OfType<InconsistentStateException>());
        Assert.True(error.IsRetriable);
        var loser = outcomes[0] is InconsistentStateException ? siloA : siloB;
        await Eventually.TrueAsync(() => !loser.Runtime.IsActive(CounterId(key)), Deadline, "the losing activation drops");
        Assert.Equal([DeactivationReason.InconsistentState], loser.Log.Deactivations(key));
        var stored = await postgres.ScalarAsync<long>("SELECT value FROM test_counters WHERE id = $1", key);
        Assert.Contains(stored, new long[] { 11, 110 });

        // The loser's next call re-reads the winner's state instead of overwriting it.
        var afterRetry = await loser.Grains.GetGrain<ICounterGrain>(key).AddAsync(1000);
        Assert.Equal(stored + 1000, afterRetry);
    }

    [Fact]
    public async Task CompanionStatementsCommitWithTheWriteOrNotAtAll()
    {
        await using var silo = await TestSilo.StartAsync(postgres);
        var key = NewKey();
        var counter = silo.Grains.GetGrain<ICounterGrain>(key);

        Assert.Equal(5, await counter.AddWithNoteAsync(5, key + "-first"));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM test_notes WHERE counter_id = $1", key));

        // A companion that fails (the note is unique) leaves the state as it was: in the row and in the activation.
        await Assert.ThrowsAnyAsync<Exception>(() => counter.AddWithNoteAsync(7, key + "-first"));
        Assert.Equal(5L, await postgres.ScalarAsync<long>("SELECT value FROM test_counters WHERE id = $1", key));
        Assert.Equal(5, await counter.GetAsync());

        // A write that loses to another activation runs none of its companions.
        await using var other = await TestSilo.StartAsync(postgres);
        var stale = other.Grains.GetGrain<ICounterGrain>(key);
        await stale.GetAsync();
        await counter.AddAsync(1);
        await Assert.ThrowsAsync<InconsistentStateException>(() => stale.AddWithNoteAsync(100, key + "-stale"));
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM test_notes WHERE note = $1", key + "-stale"));
        Assert.Equal(6L, await postgres.ScalarAsync<long>("SELECT value FROM test_counters WHERE id = $1", key));
    }

    [Fact]
    public async Task TwoConcurrentFirstInsertsLeaveOneRow()
    {
        await using var siloA = await TestSilo.StartAsync(postgres);
        await using var siloB = await TestSilo.StartAsync(postgres);
        var key = NewKey();
        var (a, b) = (siloA.Grains.GetGrain<ICounterGrain>(key), siloB.Grains.GetGrain<ICounterGrain>(key));
        await Task.WhenAll(a.GetAsync(), b.GetAsync()); // both activated with no row

        var outcomes = await Task.WhenAll(Outcome(Task.Run(() => a.AddAsync(1))), Outcome(Task.Run(() => b.AddAsync(2))));

        Assert.Single(outcomes.OfType<InconsistentStateException>());
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM test_counters WHERE id = $1", key));
    }

    [Fact]
    public async Task ManyConcurrentFirstInsertsThroughStorageLeaveOneWinner()
    {
        await using var silo = await TestSilo.StartAsync(postgres);
        var key = NewKey();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Outcome(Task.Run(() => silo.Storage.WriteAsync(key, new CounterState(i, null), expectedVersion: 0)))));

        Assert.Equal(19, outcomes.Count(o => o is InconsistentStateException));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM test_counters WHERE id = $1", key));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task VersionsOnlyGrowSoAWriterFromBeforeADeleteIsFenced(bool inMemory)
    {
        await using var silo = await TestSilo.StartAsync(postgres, inMemory: inMemory);
        var key = NewKey();
        var storage = silo.Storage;

        var first = await storage.WriteAsync(key, new CounterState(1, "a"), 0);
        await storage.ClearAsync<CounterState>(key, first);
        var second = await storage.WriteAsync(key, new CounterState(2, "b"), 0);

        Assert.True(second > first);
        var stale = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(key, new CounterState(3, "stale"), first));
        Assert.Equal(second, stale.StoredVersion);
        Assert.Equal(new StoredState<CounterState>(new CounterState(2, "b"), second), await storage.ReadAsync<CounterState>(key));
    }

    [Fact]
    public async Task AStaleUpdateChangesNothing()
    {
        await using var silo = await TestSilo.StartAsync(postgres);
        var key = NewKey();
        var v1 = await silo.Storage.WriteAsync(key, new CounterState(1, null), 0);
        await silo.Storage.WriteAsync(key, new CounterState(2, null), v1);

        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Storage.WriteAsync(key, new CounterState(99, null), v1));

        Assert.Equal(2, (await silo.Storage.ReadAsync<CounterState>(key))!.State.Value);
    }

    [Fact]
    public async Task NullColumnsAndCompositeKeysRoundTrip()
    {
        await using var silo = await TestSilo.StartAsync(postgres);
        var (owner, item) = (NewKey(), NewKey());
        var counterKey = NewKey();

        var version = await silo.Storage.WriteAsync($"{owner}/{item}", new PairState(42), 0);
        await silo.Storage.WriteAsync(counterKey, new CounterState(3, null), 0);

        Assert.Equal(42, (await silo.Storage.ReadAsync<PairState>($"{owner}/{item}"))!.State.Amount);
        Assert.Equal(version, await postgres.ScalarAsync<long>("SELECT version FROM test_pairs WHERE owner_id = $1 AND item_id = $2", owner, item));
        Assert.Null((await silo.Storage.ReadAsync<CounterState>(counterKey))!.State.Label);
        Assert.Null(await silo.Storage.ReadAsync<PairState>($"{owner}/other"));
    }

    [Fact]
    public async Task ClearingAGrainDeletesItsRow()
    {
        await using var silo = await TestSilo.StartAsync(postgres);
        var key = NewKey();
        var counter = silo.Grains.GetGrain<ICounterGrain>(key);
        await counter.AddAsync(3);

        await counter.ClearAsync();

        Assert.Equal(0, await counter.GetAsync());
        Assert.Equal(0, await counter.VersionAsync());
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM test_counters WHERE id = $1", key));
    }

    private static async Task<object?> Outcome<T>(Task<T> task)
    {
        try
        {
            return await task;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }
}
