using Npgsql;
using Tollgate.LoadTest.Audit;
using Tollgate.LoadTest.Options;
using Tollgate.LoadTest.Reporting;
using Tollgate.LoadTest.Scenarios;
using Xunit;

namespace Tollgate.LoadTest.Tests;

/// <summary>The audit is not a check that cannot fail: after a passing run, a count changed behind the cluster's back is found and named.</summary>
[Collection(LoadTestCollection.Name)]
public sealed class AuditTests(LoadTestCluster cluster)
{
    [Fact]
    public async Task AQuotaCountOrAnIdempotencyRecordChangedInTheDatabaseFailsTheAuditWithItsCount()
    {
        var options = OptionsParser.Parse([.. cluster.ConnectionArguments, "--scenario", "consume", "--duration", "2s", "--concurrency", "4",
            "--users", "3", "--agents", "1", "--hot-share", "0.5"], _ => null);
        var run = await LoadTestRunner.RunAsync(options, TextWriter.Null, CancellationToken.None);
        Assert.True(run.Report.Audit!.Passed, LoadTestCommand.Serialize(run.Report));
        await using var database = NpgsqlDataSource.Create(cluster.Postgres.ConnectionString);
        var (hotUser, agent) = run.World.Subscription(0);
        Assert.True(run.Ledger!.SentTo(0) > 0, "the hot subscription was consumed");

        await cluster.Postgres.ScalarAsync<object>("UPDATE user_agent_subscriptions SET quota_used = quota_used + 1 WHERE user_id = $1 AND agent_id = $2", hotUser, agent.Id);
        var overCounted = await ConsumeAudit.CheckAsync(database, run.World, run.Ledger, CancellationToken.None);

        Assert.False(overCounted.Passed);
        Assert.Equal((1L, 0L), (overCounted.DoubleCounted, overCounted.Lost));
        Assert.Contains(Checks(overCounted, run), c => c is { Name: "consumes", Passed: false } && c.Detail.Contains("double counted 1,", StringComparison.Ordinal));

        await cluster.Postgres.ScalarAsync<object>("UPDATE user_agent_subscriptions SET quota_used = quota_used - 1 WHERE user_id = $1 AND agent_id = $2", hotUser, agent.Id);
        Assert.True((await ConsumeAudit.CheckAsync(database, run.World, run.Ledger, CancellationToken.None)).Passed, "restored");
        await cluster.Postgres.ScalarAsync<object>(
            "DELETE FROM quota_idempotency WHERE ctid = (SELECT ctid FROM quota_idempotency WHERE user_id = $1 AND agent_id = $2 LIMIT 1)", hotUser, agent.Id);
        var lost = await ConsumeAudit.CheckAsync(database, run.World, run.Ledger, CancellationToken.None);

        Assert.False(lost.Passed);
        Assert.Equal(1L, lost.Lost);
        Assert.Equal(lost.StoredUnits - 1, lost.Recorded);
        Assert.Contains(Checks(lost, run), c => c is { Name: "consumes", Passed: false } && c.Detail.Contains("lost 1,", StringComparison.Ordinal));
    }

    private static IReadOnlyList<AuditCheck> Checks(ConsumeAuditResult result, LoadTestRun run) =>
        AuditChecks.Build(result, null, null, run.Report.Phases, null).Checks;
}
