using System.Text.Json;

namespace Tollgate.LoadTest.Tests;

/// <summary>The tool run in-process through its command-line entry point, with what it wrote and its JSON report.</summary>
internal sealed record ToolRun(int ExitCode, string Stdout, string Stderr, JsonElement? Report)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    /// <summary>Runs <c>args</c> (no environment: the database comes from the arguments) and reads back <c>--json</c>.</summary>
    public static Task<ToolRun> RunAsync(IEnumerable<string> args) => Start(args).Completion;

    /// <summary>Starts a run; its standard error can be read while it runs.</summary>
    public static Running Start(IEnumerable<string> args)
    {
        var json = Path.Combine(Path.GetTempPath(), $"loadtest-{Guid.NewGuid():N}.json");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var synchronized = TextWriter.Synchronized(stderr);
        return new Running(stderr, synchronized, RunAsync([.. args, "--json", json], json, stdout, stderr, synchronized));
    }

    public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";

    private static async Task<ToolRun> RunAsync(string[] args, string json, StringWriter stdout, StringWriter stderr, TextWriter synchronized)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var exitCode = await Task.Run(() => LoadTestCommand.RunAsync(args, TextWriter.Synchronized(stdout), synchronized, _ => null, deadline.Token));
        JsonElement? report = File.Exists(json) ? JsonDocument.Parse(await File.ReadAllTextAsync(json)).RootElement.Clone() : null;
        File.Delete(json);
        return new ToolRun(exitCode, stdout.ToString(), Read(stderr, synchronized), report);
    }

    /// <summary>The text so far, read under the lock its synchronized writer takes for every write.</summary>
    private static string Read(StringWriter text, TextWriter synchronized)
    {
        lock (synchronized)
        {
            return text.ToString();
        }
    }

    /// <summary>A run in progress.</summary>
    public sealed record Running(StringWriter StderrText, TextWriter StderrWriter, Task<ToolRun> Completion)
    {
        public string Stderr => Read(StderrText, StderrWriter);
    }
}
