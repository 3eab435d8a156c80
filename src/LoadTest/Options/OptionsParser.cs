using System.Globalization;

namespace Tollgate.LoadTest.Options;

/// <summary>
/// <c>--name value</c> or <c>--name=value</c> arguments into <see cref="LoadTestOptions"/>; anything wrong is a
/// <see cref="UsageException"/> naming the option and what would be right.
/// </summary>
public static class OptionsParser
{
    private static readonly Dictionary<string, Func<LoadTestOptions, string, LoadTestOptions>> Setters = new(StringComparer.Ordinal)
    {
        ["--target"] = (o, v) => o with { Targets = [.. v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Target)] },
        ["--scenario"] = (o, v) => o with { Scenario = Enum.GetValues<Scenario>().FirstOrDefault(s => s.ToString().Equals(v, StringComparison.OrdinalIgnoreCase), (Scenario)(-1)) is var s && s >= 0
            ? s : throw new UsageException($"unknown scenario '{v}': use consume, sessions, mixed or elastic") },
        ["--duration"] = (o, v) => o with { Duration = Duration("--duration", v) },
        ["--warmup"] = (o, v) => o with { Warmup = Duration("--warmup", v) },
        ["--phase"] = (o, v) => o with { Phase = Duration("--phase", v) },
        ["--timeout"] = (o, v) => o with { Timeout = Duration("--timeout", v) },
        ["--drain"] = (o, v) => o with { Drain = Duration("--drain", v) },
        ["--webhook-interval"] = (o, v) => o with { WebhookInterval = Duration("--webhook-interval", v) },
        ["--concurrency"] = (o, v) => o with { Concurrency = Integer("--concurrency", v, 1, 100_000) },
        ["--rate"] = (o, v) => o with { Rate = Number("--rate", v, 0.1, 1_000_000) },
        ["--users"] = (o, v) => o with { Users = Integer("--users", v, 1, 1_000_000) },
        ["--agents"] = (o, v) => o with { Agents = Integer("--agents", v, 1, 1_000) },
        ["--hot-share"] = (o, v) => o with { HotShare = Number("--hot-share", v, 0, 1) },
        ["--session-users"] = (o, v) => o with { SessionUsers = Integer("--session-users", v, 1, 10_000) },
        ["--max-attempts"] = (o, v) => o with { MaxAttempts = Integer("--max-attempts", v, 1, 1_000) },
        ["--admin-rate"] = (o, v) => o with { AdminRate = Number("--admin-rate", v, 0.01, 1_000) },
        ["--webhook-burst"] = (o, v) => o with { WebhookBurst = Integer("--webhook-burst", v, 2, 1_000) },
        ["--add-silos"] = (o, v) => o with { AddSilos = Integer("--add-silos", v, 1, 16) },
        ["--silo-ports"] = (o, v) => o with { SiloPorts = [.. v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => Integer("--silo-ports", p, 1, 65_535))] },
        ["--silo-env"] = (o, v) => o with { SiloEnvironment = [.. o.SiloEnvironment, Variable(v)] },
        ["--silo-dll"] = (o, v) => o with { SiloDll = File.Exists(v) ? Path.GetFullPath(v) : throw new UsageException($"--silo-dll: no file '{v}'") },
        ["--silo-logs"] = (o, v) => o with { SiloLogs = v },
        ["--cluster-id"] = (o, v) => o with { ClusterId = v },
        ["--database"] = (o, v) => o with { Database = v },
        ["--admin-email"] = (o, v) => o with { AdminEmail = v.Contains('@', StringComparison.Ordinal) ? v : throw new UsageException($"--admin-email: '{v}' is not an email address") },
        ["--admin-password"] = (o, v) => o with { AdminPassword = v.Length is >= 8 and <= 128 ? v : throw new UsageException("--admin-password: 8 to 128 characters, as the cluster requires") },
        ["--webhook-secret"] = (o, v) => o with { WebhookSecret = v },
        ["--json"] = (o, v) => o with { JsonFile = v },
        ["--output"] = (o, v) => o with { Output = v switch
        {
            "table" => OutputFormat.Table,
            "json" => OutputFormat.Json,
            _ => throw new UsageException($"--output: '{v}' is not table or json"),
        } },
    };

    public static bool WantsHelp(IReadOnlyList<string> args) => args.Any(a => a is "--help" or "-h" or "help");

    /// <summary>Parses and checks <paramref name="args"/>; <paramref name="environment"/> supplies <c>ConnectionStrings__Tollgate</c> when <c>--database</c> is absent.</summary>
    public static LoadTestOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var options = new LoadTestOptions { Database = environment("ConnectionStrings__Tollgate") };
        for (var i = 0; i < args.Count; i++)
        {
            var (name, value) = Split(args[i]);
            if (!Setters.TryGetValue(name, out var set))
            {
                throw new UsageException(name.StartsWith("--", StringComparison.Ordinal)
                    ? $"unknown option {name} (see --help)"
                    : $"unexpected argument '{args[i]}': options are --name value (see --help)");
            }

            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"{name} needs a value (see --help)");
                }

                value = args[++i];
            }

            options = set(options, value);
        }

        return OptionsValidation.Check(options);
    }

    private static (string Name, string? Value) Split(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        return argument.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? (argument[..equals], argument[(equals + 1)..]) : (argument, null);
    }

    private static Uri Target(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.PathAndQuery == "/"
            ? uri
            : throw new UsageException($"--target: '{value}' is not an http(s) base address like http://127.0.0.1:5081");

    private static TimeSpan Duration(string name, string value) =>
        Durations.TryParse(value, out var duration)
            ? duration
            : throw new UsageException($"bad duration '{value}' for {name}: use e.g. 60s, 2m, 1m30s or 500ms");

    private static int Integer(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new UsageException($"{name}: '{value}' is not a whole number from {min} to {max}");

    private static double Number(string name, string value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new UsageException($"{name}: '{value}' is not a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");

    private static KeyValuePair<string, string> Variable(string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 ? new(value[..equals], value[(equals + 1)..]) : throw new UsageException($"--silo-env: '{value}' is not KEY=VALUE");
    }
}
