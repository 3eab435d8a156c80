using System.Runtime;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Tollgate.Cluster.Benchmarks;
using Tollgate.Cluster.Benchmarks.Modes;
using Tollgate.Cluster.Benchmarks.Report;

// client-silo | silo-silo | failure-detection | all, then options; see BenchOptions.Usage and bench/RESULTS.md.
if (BenchOptions.Parse(args, Console.Error) is not { } options)
{
    return 2;
}

var startedUtc = DateTime.UtcNow;
var concurrentGc = GCSettings.LatencyMode != GCLatencyMode.Batch;
Console.WriteLine(
    $"Cluster benchmarks, {startedUtc:yyyy-MM-dd HH:mm:ss} UTC; .NET {Environment.Version}; {Environment.ProcessorCount} cores; " +
    $"server GC: {GCSettings.IsServerGC}; concurrent GC: {concurrentGc}");
var modes = new List<ModeReport>();
foreach (var mode in options.Mode == "all" ? BenchOptions.Modes[..^1] : [options.Mode])
{
    Console.WriteLine($"{mode} ...");
    var report = mode switch
    {
        "client-silo" => await ClientSiloMode.RunAsync(options, Console.Out),
        "silo-silo" => await SiloSiloMode.RunAsync(options, Console.Out),
        _ => await FailureDetectionMode.RunAsync(options, Console.Out),
    };
    modes.Add(report);
}

foreach (var report in modes)
{
    ReportPrinter.Print(report, Console.Out);
}

if (options.JsonFile is { } file)
{
    var all = new BenchReport(startedUtc, Environment.Version.ToString(), Environment.OSVersion.ToString(), Environment.ProcessorCount,
        GCSettings.IsServerGC, concurrentGc, args, modes);
    await File.WriteAllTextAsync(file, JsonSerializer.Serialize(all, new JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All), // keep → and µ readable
    }));
    Console.WriteLine();
    Console.WriteLine($"JSON written to {Path.GetFullPath(file)}");
}

return modes.SelectMany(m => m.Targets).All(t => t.Met) ? 0 : 1;
