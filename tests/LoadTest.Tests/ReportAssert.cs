using System.Text.Json;
using Xunit;

namespace Tollgate.LoadTest.Tests;

/// <summary>What every passing run must show: exit code 0, the summary, a JSON report whose audit passed, requests in every measured phase.</summary>
internal static class ReportAssert
{
    public static JsonElement Passed(ToolRun run, string scenario)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Audit passed.", run.Stdout + run.Stderr, StringComparison.Ordinal); // stderr with --output json
        var report = run.Report ?? throw new Xunit.Sdk.XunitException("no JSON report was written\n" + run);
        Assert.Equal(scenario, report.GetProperty("scenario").GetString());
        Assert.Equal(0, report.GetProperty("exitCode").GetInt32());
        var audit = report.GetProperty("audit");
        Assert.True(audit.GetProperty("passed").GetBoolean(), run.ToString());
        Assert.All(audit.GetProperty("checks").EnumerateArray(), c => Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString()));
        Assert.Equal(0, audit.GetProperty("nonTransientErrors").GetInt64());
        Assert.All(Measured(report), p => Assert.True(p.GetProperty("requests").GetInt64() > 0, $"phase {p.GetProperty("name")} sent nothing"));
        return report;
    }

    public static JsonElement[] Measured(JsonElement report) =>
        [.. report.GetProperty("phases").EnumerateArray().Where(p => p.GetProperty("measured").GetBoolean())];

    /// <summary>The operation row named <paramref name="name"/> of a phase.</summary>
    public static JsonElement Operation(JsonElement phase, string name) =>
        phase.GetProperty("operations").EnumerateArray().Single(o => o.GetProperty("name").GetString() == name);
}
