using Xunit;

namespace Tollgate.LoadTest.Tests;

/// <summary>Each scenario run for a few seconds against a real cluster, as the README runs it: it passes its audit and reports what it did.</summary>
[Collection(LoadTestCollection.Name)]
public sealed class ScenarioTests(LoadTestCluster cluster)
{
    [Fact]
    public async Task AConsumeRunRecordsEveryAcknowledgedConsumeExactlyOnceAndReportsItsPhasesInJson()
    {
        var run = await ToolRun.RunAsync([.. cluster.ConnectionArguments, "--scenario", "consume", "--warmup", "1s", "--duration", "2s",
            "--concurrency", "8", "--users", "10", "--agents", "2", "--hot-share", "0.3"]);

        var report = ReportAssert.Passed(run, "consume");
        var phases = report.GetProperty("phases").EnumerateArray().ToArray();
        Assert.Equal("warm-up", phases[0].GetProperty("name").GetString());
        Assert.False(phases[0].GetProperty("measured").GetBoolean());
        var steady = ReportAssert.Operation(ReportAssert.Measured(report).Single(), "consume");
        Assert.True(steady.GetProperty("requests").GetInt64() > 0 && steady.GetProperty("p99Ms").GetDouble() >= steady.GetProperty("p50Ms").GetDouble(), steady.ToString());
        var consume = report.GetProperty("audit").GetProperty("consume");
        Assert.Equal(20, consume.GetProperty("subscriptions").GetInt32());
        Assert.True(consume.GetProperty("acknowledged").GetInt64() >= steady.GetProperty("ok").GetInt64(), consume.ToString());
        Assert.Equal(consume.GetProperty("acknowledged").GetInt64() + consume.GetProperty("appliedUnacknowledged").GetInt64(), consume.GetProperty("storedUnits").GetInt64());
        Assert.Contains("PASS consumes", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASessionsRunAtAFixedRateReadsLiveSessionsKeepsToTheRateAndWritesItsReportToStdout()
    {
        const int rate = 100;
        var run = await ToolRun.RunAsync([.. cluster.ConnectionArguments, "--scenario", "sessions", "--duration", "3s", "--rate", $"{rate}",
            "--concurrency", "16", "--session-users", "4", "--output", "json"]);

        var report = ReportAssert.Passed(run, "sessions");
        Assert.Equal(report.ToString(), System.Text.Json.JsonDocument.Parse(run.Stdout).RootElement.ToString()); // stdout holds only the report
        Assert.Contains("get-session", run.Stderr, StringComparison.Ordinal);
        var sessions = report.GetProperty("audit").GetProperty("sessions");
        Assert.True(sessions.GetProperty("reads").GetInt64() > 0);
        Assert.Equal(sessions.GetProperty("reads").GetInt64(), sessions.GetProperty("accepted").GetInt64());
        var steady = ReportAssert.Measured(report).Single();
        // Open loop: the schedule, not the server's speed, sets the count (a closed loop of 16 would send many times more).
        Assert.InRange(ReportAssert.Operation(steady, "get-session").GetProperty("requests").GetInt64(), 1, (long)(rate * steady.GetProperty("seconds").GetDouble() * 1.1) + 16);
        Assert.Equal(rate, report.GetProperty("settings").GetProperty("rate").GetDouble());
    }

    [Fact]
    public async Task AMixedRunRevokesSessionsChangesRolesAndReplaysWebhooksWithoutAStaleAnswer()
    {
        var run = await ToolRun.RunAsync([.. cluster.ConnectionArguments, "--scenario", "mixed", "--duration", "4s", "--concurrency", "8",
            "--users", "5", "--agents", "2", "--session-users", "3", "--admin-rate", "4", "--webhook-burst", "5", "--webhook-interval", "1s"]);

        var report = ReportAssert.Passed(run, "mixed");
        var audit = report.GetProperty("audit");
        var sessions = audit.GetProperty("sessions");
        Assert.True(sessions.GetProperty("revocations").GetInt64() > 0, sessions.ToString());
        Assert.True(sessions.GetProperty("roleChanges").GetInt64() > 0, sessions.ToString());
        Assert.Equal(0, sessions.GetProperty("violations").GetInt64());
        Assert.True(audit.GetProperty("webhooks").GetProperty("acknowledged").GetInt64() > 0);
        var steady = ReportAssert.Measured(report).Single();
        foreach (var operation in new[] { "consume", "get-session", "set-role", "role-check", "revoke", "sign-in", "webhook" })
        {
            Assert.True(ReportAssert.Operation(steady, operation).GetProperty("ok").GetInt64() > 0, operation);
        }
    }

    [Fact]
    public async Task AnElasticRunGoesFromOneSiloToThreeAndBackUnderLoadWithoutLosingOrDoubleCountingAConsume()
    {
        var siloEnvironment = LoadTestCluster.SiloSettings.SelectMany(e => new[] { "--silo-env", $"{e.Key}={e.Value}" });
        var logs = Path.Combine(Path.GetTempPath(), "loadtest-silos-" + Guid.NewGuid().ToString("N")[..8]);
        ToolRun run;
        try
        {
            run = await ToolRun.RunAsync([.. cluster.ConnectionArguments, "--scenario", "elastic", "--phase", "2s", "--concurrency", "8",
                "--users", "10", "--agents", "2", "--silo-logs", logs, .. siloEnvironment]);
            Assert.Equal(2, Directory.GetFiles(logs, "silo-*.log").Length);
        }
        finally
        {
            if (Directory.Exists(logs))
            {
                Directory.Delete(logs, recursive: true);
            }
        }

        var report = ReportAssert.Passed(run, "elastic");
        var phases = ReportAssert.Measured(report);
        Assert.Equal(["1 silo", "1 → 3 joining", "3 silos", "3 → 1 leaving", "1 silo"], phases.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal([3], phases[2].GetProperty("activeSilos").EnumerateArray().Select(s => s.GetInt32()));
        Assert.Equal([1], phases[4].GetProperty("activeSilos").EnumerateArray().Select(s => s.GetInt32()));
        Assert.All(phases, p => Assert.True(ReportAssert.Operation(p, "consume").GetProperty("ok").GetInt64() > 0, p.ToString()));
        Assert.Contains("2 silos stopped by SIGTERM", phases[3].GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal(cluster.ClusterId, report.GetProperty("settings").GetProperty("clusterId").GetString());
    }
}
