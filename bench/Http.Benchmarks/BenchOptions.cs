using System.Globalization;

namespace Tollgate.Http.Benchmarks;

/// <summary>The command line: <c>[--scenario get-session|consume|session-memory] [--duration 10s] [--warmup 3s] [--concurrency 64] [--users 64] [--sign-ins 20] [--subscriptions 1000] [--sessions 50000] [--fsync on|off] [--json FILE]</c>.</summary>
public sealed record BenchOptions(TimeSpan Duration, TimeSpan Warmup, int Concurrency, int Users, int SignIns, string? JsonFile)
{
    public const string GetSessionScenario = "get-session";
    public const string ConsumeScenario = "consume";
    public const string SessionMemoryScenario = "session-memory";

    /// <summary><c>get-session</c> (the default), <c>consume</c> or <c>session-memory</c>.</summary>
    public string Scenario { get; init; } = GetSessionScenario;

    /// <summary>consume: subscriptions consumed at random (one more, the hot one, is made next to them).</summary>
    public int Subscriptions { get; init; } = 1000;

    /// <summary>session-memory: session rows inserted and activated (idle activations measured).</summary>
    public int Sessions { get; init; } = 50_000;

    /// <summary>PostgreSQL's fsync: on (durable commits) for consume unless asked, off for the others unless asked.</summary>
    public bool? Fsync { get; init; }

    public const string Usage =
        "Usage: dotnet run -c Release --project bench/Http.Benchmarks -- [options]\n" +
        "  --scenario NAME    get-session (default): get-session vs bare Kestrel, and sign-in cost;\n" +
        "                     consume: POST /api/quota/consume (random and hot subscription) vs bare Kestrel and a\n" +
        "                     one-UPDATE-per-request PostgreSQL baseline;\n" +
        "                     session-memory: live heap per idle session grain activation (state read from PostgreSQL)\n" +
        "  --duration 10s     recorded window of each load phase (a number of seconds, or with s / ms)\n" +
        "  --warmup 3s        unrecorded warm-up before each load phase\n" +
        "  --concurrency 64   concurrent request loops\n" +
        "  --users 64         users signed up; get-session goes round-robin over their tokens\n" +
        "  --sign-ins 20      sequential sign-ins timed (default PBKDF2 iterations)\n" +
        "  --subscriptions 1000  consume: subscriptions consumed at random (plus one hot one)\n" +
        "  --sessions 50000   session-memory: session rows inserted and activated\n" +
        "  --fsync on|off     PostgreSQL fsync (default: on for consume, off otherwise)\n" +
        "  --json FILE        also write the summary JSON to FILE";

    /// <summary>The options, or null (after printing why) when the command line is wrong.</summary>
    public static BenchOptions? Parse(string[] args, TextWriter errors)
    {
        var options = new BenchOptions(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3), 64, 64, 20, null);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "-h" or "--help")
            {
                errors.WriteLine(Usage);
                return null;
            }

            if (i + 1 >= args.Length)
            {
                errors.WriteLine($"{args[i]} needs a value.\n{Usage}");
                return null;
            }

            var value = args[++i];
            switch (args[i - 1])
            {
                case "--duration" when Time(value) is { } t:
                    options = options with { Duration = t };
                    break;
                case "--warmup" when Time(value) is { } t:
                    options = options with { Warmup = t };
                    break;
                case "--concurrency" when Count(value) is { } n:
                    options = options with { Concurrency = n };
                    break;
                case "--users" when Count(value) is { } n:
                    options = options with { Users = n };
                    break;
                case "--sign-ins" when Count(value) is { } n:
                    options = options with { SignIns = n };
                    break;
                case "--scenario" when value is GetSessionScenario or ConsumeScenario or SessionMemoryScenario:
                    options = options with { Scenario = value };
                    break;
                case "--subscriptions" when Count(value) is { } n:
                    options = options with { Subscriptions = n };
                    break;
                case "--sessions" when Count(value) is { } n:
                    options = options with { Sessions = n };
                    break;
                case "--fsync" when value is "on" or "off":
                    options = options with { Fsync = value == "on" };
                    break;
                case "--json":
                    options = options with { JsonFile = value };
                    break;
                default:
                    errors.WriteLine($"Unknown option or bad value: {args[i - 1]} {value}\n{Usage}");
                    return null;
            }
        }

        return options;
    }

    private static TimeSpan? Time(string value)
    {
        var (number, scale) = value.EndsWith("ms", StringComparison.Ordinal) ? (value[..^2], 1e-3)
            : value.EndsWith('s') ? (value[..^1], 1.0)
            : (value, 1.0);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? TimeSpan.FromSeconds(s * scale) : null;
    }

    private static int? Count(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
}
