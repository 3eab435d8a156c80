using System.Text.RegularExpressions;

namespace Tollgate.Postgres;

/// <summary>Rejects options that would otherwise fail late, obscurely, or be injected into a command.</summary>
internal static partial class OptionsValidator
{
    // Keys the connection string depends on; letting settings move them would break it silently.
    private static readonly HashSet<string> Managed = new(StringComparer.OrdinalIgnoreCase) { "port", "listen_addresses" };

    public static void Validate(EmbeddedPostgresOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        if (options.Database is null || !DatabaseName().IsMatch(options.Database))
        {
            throw new ArgumentException(
                $"Database name '{options.Database}' is not allowed: use 1-63 lowercase letters, digits or underscores, " +
                "not starting with a digit.",
                nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            throw new ArgumentException("DataDirectory must name a folder.", nameof(options));
        }

        // pg_ctl puts the folder inside double quotes in a /bin/sh command line, where these stay special.
        if (options.DataDirectory.IndexOfAny(['"', '$', '`', '\\', '\n', '\r']) >= 0)
        {
            throw new ArgumentException(
                $"DataDirectory '{options.DataDirectory}' contains a character pg_ctl cannot pass through its shell " +
                "(\" $ ` \\ or a line break).",
                nameof(options));
        }

        if (options.StartTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.StartTimeout, "StartTimeout must be positive.");
        }

        foreach (var key in options.Settings.Keys)
        {
            if (!SettingName().IsMatch(key))
            {
                throw new ArgumentException($"'{key}' is not a PostgreSQL setting name.", nameof(options));
            }

            if (Managed.Contains(key))
            {
                throw new ArgumentException(
                    $"The setting '{key}' is managed by the embedded server and cannot be overridden.", nameof(options));
            }
        }
    }

    [GeneratedRegex(@"^[a-z_][a-z0-9_]{0,62}\z")]
    private static partial Regex DatabaseName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.]*\z")]
    private static partial Regex SettingName();
}
