using System.Text.Json;
using Npgsql;
using Tollgate.LoadTest.Http;
using Tollgate.LoadTest.Options;
using Tollgate.LoadTest.Reporting;
using Tollgate.LoadTest.Scenarios;

namespace Tollgate.LoadTest;

/// <summary>
/// The command line: parses, runs, writes the summary and the JSON report. Bad arguments and a cluster that cannot be
/// tested as asked are one <c>error:</c> line on standard error and exit code 2; otherwise the audit decides (0 or 1).
/// </summary>
public static class LoadTestCommand
{
    public const int Passed = 0;
    public const int AuditFailed = 1;
    public const int CannotRun = 2;

    // Relaxed escaping keeps phase names such as "1 → 3 joining" readable in the file; the report goes to files and terminals, not HTML.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, Func<string, string?> environment,
        CancellationToken cancellationToken)
    {
        if (OptionsParser.WantsHelp(args))
        {
            await stdout.WriteLineAsync(Usage.Text);
            return Passed;
        }

        try
        {
            var options = OptionsParser.Parse(args, environment);
            var run = await LoadTestRunner.RunAsync(options, stderr, cancellationToken);
            await WriteAsync(run.Report, options, stdout, stderr);
            return run.Report.ExitCode;
        }
        catch (UsageException exception)
        {
            await stderr.WriteLineAsync($"error: {exception.Message}");
            return CannotRun;
        }
        catch (SetupException exception)
        {
            await stderr.WriteLineAsync($"error: {exception.Message}");
            return CannotRun;
        }
        catch (NpgsqlException exception)
        {
            await stderr.WriteLineAsync($"error: the database failed: {exception.Message}");
            return CannotRun;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("error: interrupted before the load started");
            return CannotRun;
        }
    }

    public static string Serialize(RunReport report) => JsonSerializer.Serialize(report, Json);

    private static async Task WriteAsync(RunReport report, LoadTestOptions options, TextWriter stdout, TextWriter stderr)
    {
        var json = Serialize(report);
        if (options.JsonFile is { } file)
        {
            await File.WriteAllTextAsync(file, json + Environment.NewLine);
        }

        SummaryWriter.Write(report, options.Output == OutputFormat.Json ? stderr : stdout);
        if (options.Output == OutputFormat.Json)
        {
            await stdout.WriteLineAsync(json);
        }
    }
}
