using Tollgate.Runtime.Membership;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.Runtime.Tests;

/// <summary>Membership over real PostgreSQL with silos probing each other over real loopback connections.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MembershipTests(PostgresFixture postgres)
{
    private static readonly TimeSpan DetectionDeadline = TimeSpan.FromSeconds(10);

    private static string NewCluster() => "c" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task ThreeSilosJoinAndAllSeeEachOtherActive()
    {
        var cluster = NewCluster();
        await using var a = await TestSilo.StartMemberAsync(postgres, cluster);
        await using var b = await TestSilo.StartMemberAsync(postgres, cluster);
        await using var c = await TestSilo.StartMemberAsync(postgres, cluster);

        foreach (var silo in new[] { a, b, c })
        {
            await Eventually.TrueAsync(() => silo.Membership.Snapshot.ActiveSilos.Count == 3, DetectionDeadline, "every silo sees three active");
        }

        Assert.Equal(a.Membership.Snapshot.ActiveSilos, c.Membership.Snapshot.ActiveSilos);
    }

    [Fact]
    public async Task ConcurrentWritersWithTheSameReadVersionExactlyOneWins()
    {
        var cluster = NewCluster();
        await using var silo = await TestSilo.StartMemberAsync(postgres, cluster);
        var table = new PostgresMembershipTable(DatabaseOf(silo), cluster);
        var read = await table.ReadAsync(CancellationToken.None);
        var now = DateTime.UtcNow;

        var writes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            table.TryWriteAsync(new MembershipEntry(new SiloAddress("127.0.0.9", 1000 + i, 1), SiloStatus.Joining, [], now, now), read.Version, CancellationToken.None))));

        Assert.Equal(1, writes.Count(w => w));
        Assert.Equal(read.Version + 1, (await table.ReadAsync(CancellationToken.None)).Version);
    }

    [Fact]
    public async Task DeadIsTerminal()
    {
        var cluster = NewCluster();
        await using var silo = await TestSilo.StartMemberAsync(postgres, cluster);
        var table = new PostgresMembershipTable(DatabaseOf(silo), cluster);
        var ghost = await AddDeadRowAsync(table);

        var revived = await table.TryWriteAsync(ghost with { Status = SiloStatus.Active }, (await table.ReadAsync(default)).Version, default);

        Assert.False(revived);
        Assert.Equal(SiloStatus.Dead, (await table.ReadAsync(default)).Find(ghost.Silo)!.Status);
    }

    [Fact]
    public async Task AKilledSiloIsDeclaredDeadByItsPeersWithinTheDetectionBound()
    {
        var cluster = NewCluster();
        await using var a = await TestSilo.StartMemberAsync(postgres, cluster);
        await using var b = await TestSilo.StartMemberAsync(postgres, cluster);
        await using var c = await TestSilo.StartMemberAsync(postgres, cluster);
        var victim = c.Membership.Self!;
        await Eventually.TrueAsync(() => a.Membership.Snapshot.ActiveSilos.Count == 3, DetectionDeadline, "all active");

        var killedAt = DateTime.UtcNow;
        await c.KillAsync();
        await Eventually.TrueAsync(async () => (await a.Membership.RefreshAsync(default)).Find(victim)?.Status == SiloStatus.Dead,
            DetectionDeadline, "the killed silo is declared dead");

        var entry = a.Membership.Snapshot.Find(victim)!;
        Assert.True(entry.Suspicions.Count >= 2, "two live silos voted");
        Assert.True(DateTime.UtcNow - killedAt < DetectionDeadline);
    }

    [Fact]
    public async Task ASiloCutOffFromItsPeersIsVotedDeadAndStopsItself()
    {
        var cluster = NewCluster();
        var network = new Partition();
        await using var a = await TestSilo.StartMemberAsync(postgres, cluster, network);
        await using var b = await TestSilo.StartMemberAsync(postgres, cluster, network);
        await using var x = await TestSilo.StartMemberAsync(postgres, cluster, network);
        await Eventually.TrueAsync(() => x.Membership.Snapshot.ActiveSilos.Count == 3, DetectionDeadline, "all active");

        network.Isolate(x.Endpoint!.Port);

        await Eventually.TrueAsync(() => x.Stopping.IsCancellationRequested, DetectionDeadline, "the isolated silo stops itself");
        var snapshot = await a.Membership.RefreshAsync(default);
        Assert.Equal(SiloStatus.Dead, snapshot.Find(x.Membership.Self!)!.Status);
        Assert.Equal(2, snapshot.ActiveSilos.Count);
    }

    [Fact]
    public async Task ASiloDeclaredDeadCannotWriteStateLate()
    {
        var cluster = NewCluster();
        // It re-reads the table rarely, so it has not yet noticed its own death when it writes.
        await using var zombie = await TestSilo.StartMemberAsync(postgres, cluster, settings: new Dictionary<string, string?> { ["Cluster:RefreshPeriod"] = "00:05:00" });
        var key = Guid.NewGuid().ToString("N");
        var version = await zombie.Storage.WriteAsync(key, new Grains.CounterState(1, null), 0);
        var table = new PostgresMembershipTable(DatabaseOf(zombie), cluster);
        var entry = (await table.ReadAsync(default)).Find(zombie.Membership.Self!)!;
        Assert.True(await table.TryWriteAsync(entry with { Status = SiloStatus.Dead }, (await table.ReadAsync(default)).Version, default));

        await Assert.ThrowsAsync<InconsistentStateException>(() => zombie.Storage.WriteAsync(key, new Grains.CounterState(2, null), version));
        await Assert.ThrowsAsync<InconsistentStateException>(() => zombie.Storage.WriteAsync(Guid.NewGuid().ToString("N"), new Grains.CounterState(3, null), 0));

        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT value FROM test_counters WHERE id = $1", key));
    }

    [Fact]
    public async Task DefunctRowsAreDeletedAndLiveOnesKept()
    {
        var cluster = NewCluster();
        await using var silo = await TestSilo.StartMemberAsync(postgres, cluster);
        var table = new PostgresMembershipTable(DatabaseOf(silo), cluster);
        var ghost = await AddDeadRowAsync(table);

        var deleted = await table.DeleteDefunctAsync(TimeSpan.Zero, default);

        Assert.Equal(1, deleted);
        var snapshot = await table.ReadAsync(default);
        Assert.Null(snapshot.Find(ghost.Silo));
        Assert.Equal(SiloStatus.Active, snapshot.Find(silo.Membership.Self!)!.Status);
    }

    [Fact]
    public async Task AGracefulStopLeavesTheClusterAsDead()
    {
        var cluster = NewCluster();
        await using var a = await TestSilo.StartMemberAsync(postgres, cluster);
        var b = await TestSilo.StartMemberAsync(postgres, cluster);
        var leaving = b.Membership.Self!;

        await b.DisposeAsync();

        var snapshot = await a.Membership.RefreshAsync(default);
        Assert.Equal(SiloStatus.Dead, snapshot.Find(leaving)!.Status);
        Assert.Empty(snapshot.Find(leaving)!.Suspicions);
    }

    [Fact]
    public async Task ANewGenerationAtTheSameEndpointRetiresTheOldOne()
    {
        var cluster = NewCluster();
        await using var a = await TestSilo.StartMemberAsync(postgres, cluster);
        var table = new PostgresMembershipTable(DatabaseOf(a), cluster);
        var self = a.Membership.Self!;
        var now = DateTime.UtcNow;

        // A stale row of the same endpoint with an older generation, as a crashed predecessor leaves behind.
        var stale = new MembershipEntry(self with { Generation = self.Generation - 1000 }, SiloStatus.Active, [], now, now);
        Assert.True(await table.TryWriteAsync(stale, (await table.ReadAsync(default)).Version, default));
        await a.Membership.JoinAsync(self with { Generation = self.Generation + 1 }, default);

        Assert.Equal(SiloStatus.Dead, (await table.ReadAsync(default)).Find(stale.Silo)!.Status);
    }

    /// <summary>A Dead row of a silo that never ran, as a crashed and declared-dead predecessor leaves.</summary>
    private static async Task<MembershipEntry> AddDeadRowAsync(PostgresMembershipTable table)
    {
        var now = DateTime.UtcNow;
        var ghost = new MembershipEntry(new SiloAddress("127.0.0.9", 9, 1), SiloStatus.Dead, [], now, now);
        Assert.True(await table.TryWriteAsync(ghost, (await table.ReadAsync(default)).Version, default));
        return ghost;
    }

    private static Postgres.PostgresDatabase DatabaseOf(TestSilo silo) =>
        (Postgres.PostgresDatabase)silo.ServiceProvider.GetService(typeof(Postgres.PostgresDatabase))!;
}
