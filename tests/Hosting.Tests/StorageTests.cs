using Orleans.Storage;
using Orleans.TestingHost;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Identity;
using Tollgate.Hosting.Tests.Grains;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.Hosting.Tests;

/// <summary>
/// The typed grain storage as an Orleans storage provider, on a real Orleans test cluster over a real PostgreSQL:
/// rows in typed tables, version as ETag, stale writes refused, failed writes never served, companions atomic,
/// group commit exact, and a silo that membership declared dead cannot write.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StorageTests(PostgresFixture postgres) : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;

    private IGrainFactory Grains => _cluster.Client;

    public async Task InitializeAsync() => _cluster = await StorageCluster.StartAsync(postgres.ConnectionString);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task StateLivesInItsTypedTableWithAVersionAndSurvivesDeactivation()
    {
        var id = NewId();
        var counter = Grains.GetGrain<ICounterGrain>(id);

        Assert.Equal(5, await counter.AddAsync(5));
        var firstVersion = await postgres.ScalarAsync<long>("SELECT version FROM test_counters WHERE id = $1", id);
        Assert.Equal(7, await counter.AddAsync(2));

        Assert.Equal(7L, await postgres.ScalarAsync<long>("SELECT value FROM test_counters WHERE id = $1", id));
        Assert.True(await postgres.ScalarAsync<long>("SELECT version FROM test_counters WHERE id = $1", id) > firstVersion);
        await _cluster.DeactivateAsync(counter);
        Assert.Equal(7, await counter.GetAsync());
    }

    [Fact]
    public async Task AWriteOverAVersionItDidNotReadIsRefusedAndTheNextCallReadsTheStoredRow()
    {
        var id = NewId();
        var counter = Grains.GetGrain<ICounterGrain>(id);
        await counter.AddAsync(1);
        await Sql("UPDATE test_counters SET value = 100, version = nextval('grain_state_version') WHERE id = $1", id);

        await Assert.ThrowsAsync<InconsistentStateException>(() => counter.AddAsync(1));

        Assert.Equal(100L, await postgres.ScalarAsync<long>("SELECT value FROM test_counters WHERE id = $1", id));
        Assert.Equal(100, await counter.GetAsync());
        Assert.Equal(101, await counter.AddAsync(1));
    }

    [Fact]
    public async Task AWriteThatFailsLeavesTheGrainServingTheStoredState()
    {
        var id = NewId();
        var counter = Grains.GetGrain<ICounterGrain>(id);
        await counter.AddAsync(12);
        await Sql("INSERT INTO test_write_faults (table_name, key) VALUES ('test_counters', $1)", id);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => counter.AddAsync(1));

        Assert.Contains("injected write failure", failure.ToString());
        Assert.Equal(12, await counter.GetAsync());
        Assert.Equal(12L, await postgres.ScalarAsync<long>("SELECT value FROM test_counters WHERE id = $1", id));
        await Sql("DELETE FROM test_write_faults WHERE key = $1", id);
        Assert.Equal(13, await counter.AddAsync(1));
    }

    [Fact]
    public async Task AUserWhoseRoleChangeFailedToWriteKeepsTheStoredRole()
    {
        var id = NewId();
        var user = Grains.GetGrain<IUserGrain>(id);
        Assert.True(await user.CreateAsync(new UserRegistration("Ada", id + "@example.com", "hash", ["org_member"], Actor.Cli)));
        await Sql("INSERT INTO test_write_faults (table_name, key) VALUES ('users', $1)", id);

        await Assert.ThrowsAnyAsync<Exception>(() => user.SetRoleAsync(["platform_admin"], Actor.Cli));

        Assert.Equal("org_member", (await user.GetAsync())!.Role);
        Assert.Equal("org_member", await postgres.ScalarAsync<string>("SELECT role FROM users WHERE id = $1", id));
        await Sql("DELETE FROM test_write_faults WHERE key = $1", id);
        Assert.Equal("platform_admin", (await user.SetRoleAsync(["platform_admin"], Actor.Cli)).Value!.Role);
    }

    [Fact]
    public async Task CompanionStatementsCommitWithTheStateOrNotAtAll()
    {
        var id = NewId();
        var counter = Grains.GetGrain<ICounterGrain>(id);
        Assert.Equal(1, await counter.AddWithNoteAsync(1, "first"));

        await Assert.ThrowsAnyAsync<Exception>(() => counter.AddWithNoteAsync(1, "refuse"));

        Assert.Equal(1, await counter.GetAsync());
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT value FROM test_counters WHERE id = $1", id));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM test_counter_notes WHERE counter_id = $1", id));
    }

    [Fact]
    public async Task GroupCommittedWritesOfManyGrainsEachCountOnceAndAFailingOneFailsAlone()
    {
        var user = NewId();
        var agents = Enumerable.Range(0, 60).Select(i => $"agent-{i}").ToArray();
        const int rounds = 5;
        var faulty = $"{user}-faulty";
        await Sql($"""
            CREATE OR REPLACE FUNCTION test_refuse_interaction() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.user_id = '{faulty}' THEN RAISE EXCEPTION 'injected companion failure'; END IF; RETURN NEW; END $$;
            CREATE OR REPLACE TRIGGER interactions_faults BEFORE INSERT ON interactions FOR EACH ROW EXECUTE FUNCTION test_refuse_interaction();
            """);

        var writes = agents.SelectMany(agent => Enumerable.Range(0, rounds).Select(_ => Grains.GetGrain<ISubscriptionGrain>($"{user}/{agent}").AdjustAsync(1, "test", "admin")));
        var failing = Grains.GetGrain<ISubscriptionGrain>($"{faulty}/agent-0").AdjustAsync(1, "test", "admin");
        await Task.WhenAll(writes);
        await Assert.ThrowsAnyAsync<Exception>(() => failing);

        Assert.Equal((long)agents.Length * rounds, await postgres.ScalarAsync<long>("SELECT sum(quota_used)::bigint FROM user_agent_subscriptions WHERE user_id = $1", user));
        Assert.Equal((long)agents.Length, await postgres.ScalarAsync<long>("SELECT count(*) FROM user_agent_subscriptions WHERE user_id = $1 AND quota_used = $2", user, (long)rounds));
        Assert.Equal((long)agents.Length * rounds, await postgres.ScalarAsync<long>("SELECT count(*) FROM interactions WHERE user_id = $1 AND kind = 'quota_adjusted'", user));
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM user_agent_subscriptions WHERE user_id = $1", faulty));
        Assert.Equal(0, (await Grains.GetGrain<ISubscriptionGrain>($"{faulty}/agent-0").GetAsync()).Used);
        await Sql("DROP TRIGGER interactions_faults ON interactions");
    }

    [Fact]
    public async Task ASiloThatMembershipDeclaredDeadCannotWrite()
    {
        var id = NewId();
        var counter = Grains.GetGrain<ICounterGrain>(id);
        await counter.AddAsync(1);
        var silo = _cluster.Silos[0].SiloAddress;
        var clusterId = _cluster.Options.ClusterId;
        await Sql("INSERT INTO orleansmembershipversiontable (deploymentid, timestamp, version) VALUES ($1, now(), 0) ON CONFLICT DO NOTHING", clusterId);
        await Sql("""
            INSERT INTO orleansmembershiptable (deploymentid, address, port, generation, siloname, hostname, status, proxyport, starttime, iamalivetime)
            VALUES ($1, $2, $3, $4, 'test', 'test', 6, 0, now(), now())
            """, clusterId, silo.Endpoint.Address.ToString(), silo.Endpoint.Port, silo.Generation);

        await Assert.ThrowsAsync<InconsistentStateException>(() => counter.AddAsync(1));

        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT value FROM test_counters WHERE id = $1", id));
        await Sql("DELETE FROM orleansmembershiptable WHERE deploymentid = $1", clusterId);
        Assert.Equal(2, await counter.AddAsync(1));
    }

    private static string NewId() => "t" + Guid.NewGuid().ToString("N")[..16];

    private async Task Sql(string sql, params object[] parameters)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(postgres.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync();
    }
}
