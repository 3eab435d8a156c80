using Tollgate.Runtime.Membership;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.Runtime.Tests;

/// <summary>The cluster proofs on real <c>src/Silo</c> processes, a real cluster client and real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ProcessClusterTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static string NewKey() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task KillingOneOfThreeSiloProcessesUnderLoadLosesNoAcknowledgedWrite()
    {
        var cluster = "p" + NewKey()[..12];
        await using var silos = new SiloProcesses(postgres, cluster, 3);
        await using var client = await TestClusterClient.StartAsync(postgres, cluster);
        await silos.WaitActiveAsync(client, 3, Deadline);
        var load = new CounterLoad(client.Client, keys: 40);

        var running = load.RunAsync(callers: 16, TimeSpan.FromSeconds(8));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var victim = silos[2].In(await client.Membership.ReadAsync(default))!;
        await silos[2].KillAsync();
        await running;

        var snapshot = await client.Membership.ReadAsync(default);
        Assert.Equal(SiloStatus.Dead, snapshot.Find(victim)!.Status);
        Assert.True(load.Acknowledged > 200, $"the load ran: {load}");
        await load.AuditAsync(postgres);
        Assert.Equal(0L, await postgres.ScalarAsync<long>(
            "SELECT count(*) FROM grain_directory WHERE silo_port = $1 AND silo_generation = $2", victim.Port, victim.Generation));
    }

    [Fact]
    public async Task AGracefulStopUnderLoadFailsNoCallAndLosesNoUpdate()
    {
        var cluster = "p" + NewKey()[..12];
        await using var silos = new SiloProcesses(postgres, cluster, 3);
        await using var client = await TestClusterClient.StartAsync(postgres, cluster);
        await silos.WaitActiveAsync(client, 3, Deadline);
        var load = new CounterLoad(client.Client, keys: 40);

        var running = load.RunAsync(callers: 16, TimeSpan.FromSeconds(6));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var leaving = silos[1].In(await client.Membership.ReadAsync(default))!;
        Assert.Equal(0, await silos[1].StopAsync());
        await running;

        Assert.Equal(0, load.Unknown);
        Assert.Equal(0, load.Failed);
        await load.AuditAsync(postgres, exact: true);
        var entry = (await client.Membership.ReadAsync(default)).Find(leaving)!;
        Assert.Equal(SiloStatus.Dead, entry.Status);
        Assert.Empty(entry.Suspicions);
    }

}
