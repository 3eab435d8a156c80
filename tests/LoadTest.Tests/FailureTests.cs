using Tollgate.Testing;
using Xunit;

namespace Tollgate.LoadTest.Tests;

/// <summary>When answers are lost, the tool retries with the same idempotency keys, and its audit stays exact.</summary>
[Collection(LoadTestCollection.Name)]
public sealed class FailureTests(LoadTestCluster cluster)
{
    [Fact]
    public async Task AnApiHostKilledMidRunCostsRetriesButNoAcknowledgedConsumeIsLostOrCountedTwice()
    {
        var (doomed, extra) = await cluster.StartExtraApiHostAsync();
        await using var _ = doomed;
        var targets = string.Join(',', cluster.Targets.Append(extra).Select(t => t.ToString().TrimEnd('/')));
        var running = ToolRun.Start([.. cluster.ConnectionArguments, "--target", targets, "--scenario", "consume", "--duration", "3s",
            "--concurrency", "12", "--users", "4", "--agents", "1", "--hot-share", "0"]);

        await Eventually.TrueAsync(() => running.Stderr.Contains("[   1s] steady", StringComparison.Ordinal) || running.Completion.IsCompleted,
            TimeSpan.FromSeconds(90), "the load is running");
        await doomed.KillHardAsync();
        var run = await running.Completion;

        var report = ReportAssert.Passed(run, "consume");
        var errors = report.GetProperty("audit").GetProperty("errors");
        Assert.True(errors.EnumerateObject().Any(e => e.Name is "refused" or "connection"), $"requests to the killed host failed: {errors}");
        var consume = report.GetProperty("audit").GetProperty("consume");
        Assert.Equal(0, consume.GetProperty("lost").GetInt64());
        Assert.Equal(0, consume.GetProperty("doubleCounted").GetInt64());
        Assert.Equal(consume.GetProperty("acknowledged").GetInt64() + consume.GetProperty("appliedUnacknowledged").GetInt64(), consume.GetProperty("storedUnits").GetInt64());
    }
}
