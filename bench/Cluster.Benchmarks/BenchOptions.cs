using System.Globalization;

namespace Tollgate.Cluster.Benchmarks;

/// <summary>The command line: <c>MODE [--json FILE] [--duration S] [--warmup S] [--callers N] [--grains N] [--runs N] [--production-runs N]</c>.</summary>
public sealed record BenchOptions(
    string Mode,
    string? JsonFile,
    TimeSpan Duration,
    TimeSpan Warmup,
    int Callers,
    int Grains,
    int Runs,
    int ProductionRuns,
    TimeSpan ProductionBudget)
{
    public static readonly string[] Modes = ["client-silo", "silo-silo", "failure-detection", "all"];

    public const string Usage =
        "Usage: dotnet run -c Release --project bench/Cluster.Benchmarks -- MODE [options]\n" +
        "  MODE                 client-silo | silo-silo | failure-detection | all\n" +
        "  --json FILE          also write every figure as JSON to FILE\n" +
        "  --duration SECONDS   recorded window of each load run (default 10)\n" +
        "  --warmup SECONDS     unrecorded warm-up before each load run (default 3)\n" +
        "  --callers N          concurrent callers (default 64)\n" +
        "  --grains N           target grains (default 1000)\n" +
        "  --runs N             kills with test failure-detection settings (default 5)\n" +
        "  --production-runs N  kills with the production defaults of ClusterOptions (default 5, 0 to skip)\n" +
        "  --production-budget SECONDS  start no further production-default kill after this long (default 60)";

    /// <summary>The options, or null (after printing why) when the command line is wrong.</summary>
    public static BenchOptions? Parse(string[] args, TextWriter errors)
    {
        if (args.Length == 0 || !Modes.Contains(args[0]))
        {
            errors.WriteLine(Usage);
            return null;
        }

        var options = new BenchOptions(args[0], null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3), 64, 1_000, 5, 5, TimeSpan.FromSeconds(60));
        for (var i = 1; i < args.Length; i++)
        {
            if (i + 1 >= args.Length)
            {
                errors.WriteLine($"{args[i]} needs a value.\n{Usage}");
                return null;
            }

            var value = args[++i];
            switch (args[i - 1])
            {
                case "--json":
                    options = options with { JsonFile = value };
                    break;
                case "--duration" when Seconds(value) is { } s:
                    options = options with { Duration = s };
                    break;
                case "--warmup" when Seconds(value) is { } s:
                    options = options with { Warmup = s };
                    break;
                case "--callers" when Count(value) is { } n:
                    options = options with { Callers = n };
                    break;
                case "--grains" when Count(value) is { } n:
                    options = options with { Grains = n };
                    break;
                case "--runs" when Count(value) is { } n:
                    options = options with { Runs = n };
                    break;
                case "--production-runs" when CountOrZero(value) is { } n:
                    options = options with { ProductionRuns = n };
                    break;
                case "--production-budget" when Seconds(value) is { } s:
                    options = options with { ProductionBudget = s };
                    break;
                default:
                    errors.WriteLine($"Unknown option or bad value: {args[i - 1]} {value}\n{Usage}");
                    return null;
            }
        }

        return options;
    }

    private static TimeSpan? Seconds(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? TimeSpan.FromSeconds(s) : null;

    private static int? Count(string value) => CountOrZero(value) is > 0 and var n ? n : null;

    private static int? CountOrZero(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
