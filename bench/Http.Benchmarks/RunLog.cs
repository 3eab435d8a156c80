using System.Diagnostics;
using System.Runtime;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Tollgate.Http.Benchmarks;

/// <summary>
/// What every scenario prints around its measurements: the header line (runtime, cores, GC mode, load settings), progress
/// lines stamped with the seconds since the start, and at the end the JSON summary (also written to <c>--json FILE</c>),
/// which opens with the same description of the run as the header.
/// </summary>
public sealed class RunLog
{
    private readonly BenchOptions _options;
    private readonly string? _scenario;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private RunLog(BenchOptions options, string? scenario)
    {
        _options = options;
        _scenario = scenario;
    }

    public DateTime StartedUtc { get; } = DateTime.UtcNow;

    /// <summary>Starts the clock and prints the header; <paramref name="scenario"/> (when not the default) and <paramref name="details"/> are added to it.</summary>
    public static RunLog Start(BenchOptions options, string? scenario = null, string? details = null)
    {
        var log = new RunLog(options, scenario);
        Console.WriteLine(
            $"HTTP benchmark, {(scenario is null ? "" : $"scenario {scenario}, ")}{log.StartedUtc:yyyy-MM-dd HH:mm:ss} UTC; .NET {Environment.Version}; {Environment.ProcessorCount} cores; " +
            $"server GC: {GCSettings.IsServerGC}; concurrent GC: {GCSettings.LatencyMode != GCLatencyMode.Batch}; " +
            $"concurrency {options.Concurrency}; warm-up {options.Warmup.TotalSeconds:0.#} s + {options.Duration.TotalSeconds:0.#} s per phase" +
            (details is null ? "" : $"; {details}"));
        return log;
    }

    public void Progress(string message) => Console.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0}s] {message}");

    /// <summary>
    /// Prints the summary as one line of JSON (µ, ≥ and the like kept readable): the run (scenario when not the default,
    /// start, cores, runtime, server GC, concurrency, duration, warm-up), then the properties of <paramref name="results"/>;
    /// and writes it to <paramref name="file"/> when given.
    /// </summary>
    public async Task WriteSummaryAsync(object results, string? file)
    {
        var summary = new JsonObject();
        if (_scenario is not null)
        {
            summary["scenario"] = _scenario;
        }

        summary["startedUtc"] = StartedUtc;
        summary["cores"] = Environment.ProcessorCount;
        summary["runtime"] = Environment.Version.ToString();
        summary["serverGc"] = GCSettings.IsServerGC;
        summary["concurrency"] = _options.Concurrency;
        summary["durationSeconds"] = _options.Duration.TotalSeconds;
        summary["warmupSeconds"] = _options.Warmup.TotalSeconds;
        foreach (var (name, value) in JsonSerializer.SerializeToNode(results)!.AsObject())
        {
            summary[name] = value?.DeepClone();
        }

        var json = summary.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) });
        Console.WriteLine(json);
        if (file is not null)
        {
            await File.WriteAllTextAsync(file, json + Environment.NewLine);
        }
    }
}
