using Tollgate.Runtime.Tests.Grains;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.Runtime.Tests;

[Collection(PostgresCollection.Name)]
public sealed class BadInputTests(PostgresFixture postgres)
{
    private static readonly string OversizedKey = new('k', GrainId.MaxKeyLength + 1);

    [Fact]
    public async Task AnOversizedGrainKeyIsRefusedWithAClearError()
    {
        await using var silo = await TestSilo.StartAsync(postgres);

        var error = Assert.Throws<ArgumentException>(() => silo.Grains.GetGrain<ICounterGrain>(OversizedKey));

        Assert.Contains($"at most {GrainId.MaxKeyLength} characters", error.Message);
        Assert.Throws<ArgumentException>(() => silo.Grains.GetGrain<ICounterGrain>(""));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StorageRefusesAnOversizedKeyAndWritesNothing(bool inMemory)
    {
        await using var silo = await TestSilo.StartAsync(postgres, inMemory: inMemory);

        await Assert.ThrowsAsync<ArgumentException>(() => silo.Storage.WriteAsync(OversizedKey, new CounterState(1, null), 0));
        await Assert.ThrowsAsync<ArgumentException>(() => silo.Storage.ReadAsync<CounterState>(OversizedKey));

        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM test_counters WHERE id = $1", OversizedKey));
    }

    [Fact]
    public async Task ACompositeKeyWithTheWrongPartsIsRefused()
    {
        await using var silo = await TestSilo.StartAsync(postgres);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => silo.Storage.WriteAsync("only-one-part", new PairState(1), 0));

        Assert.Contains("owner_id, item_id", error.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => silo.Storage.ReadAsync<PairState>("a/b/c"));
        await Assert.ThrowsAsync<ArgumentException>(() => silo.Storage.ReadAsync<PairState>("a/"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnUnknownStateTypeGivesAClearError(bool inMemory)
    {
        await using var silo = await TestSilo.StartAsync(postgres, inMemory: inMemory);

        var error = await Assert.ThrowsAsync<UnknownGrainTypeException>(() => silo.Storage.ReadAsync<UnregisteredState>("x"));

        Assert.Contains(nameof(UnregisteredState), error.Message);
        Assert.Contains("AddGrainState", error.Message);
    }

    [Fact]
    public async Task AGrainWhoseStateTypeIsUnknownFailsToActivateWithTheReason()
    {
        await using var silo = await TestSilo.StartAsync(postgres);

        var error = await Assert.ThrowsAsync<GrainActivationException>(() => silo.Grains.GetGrain<IUnstoredGrain>("x").CallAsync());

        Assert.IsType<UnknownGrainTypeException>(error.InnerException);
        Assert.Contains(nameof(UnregisteredState), error.Message);
    }

    [Fact]
    public async Task AGrainInterfaceWithNoClassGivesAClearError()
    {
        await using var silo = await TestSilo.StartAsync(postgres);

        var error = await Assert.ThrowsAsync<UnknownGrainTypeException>(() => silo.Grains.GetGrain<IUnimplementedGrain>("x").CallAsync());

        Assert.Contains(nameof(IUnimplementedGrain), error.Message);
        Assert.False(error.IsRetriable);
    }

    [Fact]
    public void AStateTableWithAnUnsafeNameIsRefused()
    {
        Assert.Throws<ArgumentException>(() => new StateTable<CounterState>("users; DROP TABLE users", () => new CounterState(0, null), _ => new CounterState(0, null)));
        Assert.Throws<ArgumentException>(() => CounterState.Table.Column("version", s => s.Value));
    }
}
