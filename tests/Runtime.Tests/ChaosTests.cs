using System.Globalization;
using Tollgate.Runtime.Membership;
using Tollgate.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Tollgate.Runtime.Tests;

/// <summary>
/// Silo processes added, stopped and killed at random under load, then an integrity audit. CI runs it for
/// 30 s; <c>TOLLGATE_CHAOS_SECONDS=300 dotnet test Orleans.sln --filter Category=Chaos</c> runs it longer.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ChaosTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Chaos")]
    public async Task RandomAddsStopsAndKillsUnderLoadLoseNothingAcknowledged()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("TOLLGATE_CHAOS_SECONDS"), CultureInfo.InvariantCulture, out var s) ? s : 30;
        var cluster = "x" + Guid.NewGuid().ToString("N")[..12];
        var random = new Random(seconds);
        await using var silos = new SiloProcesses(postgres, cluster, 3);
        await using var client = await TestClusterClient.StartAsync(postgres, cluster);
        await silos.WaitActiveAsync(client, 3, TimeSpan.FromSeconds(60));
        var load = new CounterLoad(client.Client, keys: 50);

        var running = load.RunAsync(callers: 12, TimeSpan.FromSeconds(seconds));
        var until = DateTime.UtcNow.AddSeconds(seconds - 3);
        while (DateTime.UtcNow < until)
        {
            await Task.Delay(TimeSpan.FromSeconds(random.Next(3, 6)));
            var alive = silos.Running;
            var action = alive.Count <= 1 ? 0 : alive.Count >= 4 ? random.Next(1, 3) : random.Next(0, 3);
            switch (action)
            {
                case 0:
                    output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} add a silo on port {silos.Add().Port}");
                    break;
                case 1:
                    var stopped = alive[random.Next(alive.Count)];
                    output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} stop the silo on port {stopped.Port}");
                    await stopped.StopAsync();
                    break;
                default:
                    var killed = alive[random.Next(alive.Count)];
                    output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} kill -9 the silo on port {killed.Port}");
                    await killed.KillAsync();
                    break;
            }
        }

        await running;
        output.WriteLine($"load: {load}");

        // Settle: every silo whose process is gone is dead, every running one is active.
        await Eventually.TrueAsync(async () =>
        {
            var snapshot = await client.Membership.ReadAsync(default);
            var runningPorts = silos.Running.Select(r => r.Port).ToHashSet();
            return snapshot.Members.All(m => m.Status == SiloStatus.Dead || runningPorts.Contains(m.Silo.Port))
                && runningPorts.All(p => snapshot.ActiveSilos.Any(a => a.Port == p));
        }, TimeSpan.FromSeconds(30), "membership settles");

        Assert.True(load.Acknowledged > 100, $"the load ran: {load}");
        await load.AuditAsync(postgres);
        var final = await client.Membership.ReadAsync(default);
        foreach (var dead in final.Members.Where(m => m.Status == SiloStatus.Dead))
        {
            await Eventually.TrueAsync(async () => await postgres.ScalarAsync<long>(
                "SELECT count(*) FROM grain_directory WHERE silo_port = $1 AND silo_generation = $2", dead.Silo.Port, dead.Silo.Generation) == 0,
                TimeSpan.FromSeconds(10), $"entries of dead silo {dead.Silo} are purged");
        }

        foreach (var key in load.Keys)
        {
            var stored = await postgres.ScalarAsync<long>("SELECT value FROM test_counters WHERE id = $1", key);
            Assert.Equal(stored, await client.Client.GetGrain<Grains.ICounterGrain>(key).GetAsync());
        }
    }
}
