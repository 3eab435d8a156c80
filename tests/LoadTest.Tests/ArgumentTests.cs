using Tollgate.Testing;
using Xunit;

namespace Tollgate.LoadTest.Tests;

/// <summary>Bad arguments, and targets or databases that are not there: one clear line on standard error, exit code 2, no stack trace.</summary>
public sealed class ArgumentTests
{
    private const string Database = "Host=127.0.0.1;Port=1;Username=postgres;Database=tollgate";

    public static TheoryData<string, string[]> BadArguments => new()
    {
        { "unknown scenario 'flood': use consume, sessions, mixed or elastic", ["--scenario", "flood", "--database", Database] },
        { "bad duration '6x' for --duration: use e.g. 60s, 2m, 1m30s or 500ms", ["--duration", "6x", "--database", Database] },
        { "--concurrency: '0' is not a whole number from 1 to 100000", ["--concurrency", "0", "--database", Database] },
        { "--hot-share: '1.5' is not a number from 0 to 1", ["--hot-share", "1.5", "--database", Database] },
        { "unknown option --conccurency (see --help)", ["--conccurency", "8", "--database", Database] },
        { "--rate needs a value (see --help)", ["--database", Database, "--rate"] },
        { "--target: 'localhost:5081' is not an http(s) base address like http://127.0.0.1:5081", ["--target", "localhost:5081", "--database", Database] },
        { "--database is required for the audit", ["--scenario", "consume"] },
        { "--silo-ports: give 2 ports, one per added silo (--add-silos)", ["--scenario", "elastic", "--silo-ports", "12001", "--database", Database] },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task ABadArgumentIsOneLineNamingItAndExitCodeTwo(string message, string[] args)
    {
        var run = await ToolRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.StartsWith($"error: {message}", run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Null(run.Report);
    }

    [Fact]
    public async Task AnUnreachableTargetIsOneLineNamingItAndExitCodeTwo()
    {
        var target = $"http://127.0.0.1:{HostProcess.FreePort()}";

        var run = await ToolRun.RunAsync(["--target", target, "--database", Database, "--duration", "2s"]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: cannot reach {target}/: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("scripts/local-cluster.sh", run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task RunAsAProgramABadDurationPrintsOneLineWithoutAStackTraceAndExitsWithTwo()
    {
        await using var tool = HostProcess.Start("LoadTest", "Tollgate.LoadTest", ["--scenario", "consume", "--duration", "soon", "--database", Database]);

        Assert.Equal(2, await tool.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("error: bad duration 'soon' for --duration: use e.g. 60s, 2m, 1m30s or 500ms", tool.Output.Trim());
    }

    [Fact]
    public async Task HelpListsTheScenariosAndExitsWithZero()
    {
        var run = await ToolRun.RunAsync(["--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.All(new[] { "consume", "sessions", "mixed", "elastic", "--target", "--database", "--json" }, word => Assert.Contains(word, run.Stdout, StringComparison.Ordinal));
    }
}
