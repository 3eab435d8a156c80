using System.Globalization;
using System.Text.RegularExpressions;

namespace Tollgate.Postgres;

/// <summary>An installed set of PostgreSQL server programs, found the way packagers lay them out.</summary>
internal sealed partial class PostgresBinaries
{
    private const string SearchedPlaces =
        "`pg_config --bindir` on PATH, /usr/lib/postgresql/*/bin, /usr/pgsql-*/bin, /usr/local/pgsql/bin";

    private PostgresBinaries(string binDirectory, string version)
    {
        BinDirectory = binDirectory;
        Version = version;
    }

    public string BinDirectory { get; }

    /// <summary>Full version, e.g. "15.4".</summary>
    public string Version { get; }

    /// <summary>Major version as PG_VERSION spells it: "15", or "9.6" before PostgreSQL 10.</summary>
    public string MajorVersion => MajorOf(Version);

    public string InitDb => Path.Combine(BinDirectory, "initdb");

    public string PgCtl => Path.Combine(BinDirectory, "pg_ctl");

    /// <summary>
    /// Finds the programs to run. When a data folder already exists its PostgreSQL major version is
    /// preferred, because a server refuses data written by another major version.
    /// </summary>
    public static async Task<PostgresBinaries> FindAsync(
        string? configured, string? wantedMajor, CancellationToken cancellationToken)
    {
        if (configured is not null)
        {
            var directory = Path.GetFullPath(configured);
            if (!HasServerPrograms(directory))
            {
                throw new EmbeddedPostgresException(
                    $"The configured PostgreSQL programs folder (Database:PostgresBinDirectory) {directory} does not contain " +
                    "initdb and pg_ctl. Point it at the folder holding the server programs (on Debian/Ubuntu " +
                    "/usr/lib/postgresql/<version>/bin), leave it unset to discover them, or configure a connection string " +
                    "(ConnectionStrings:Tollgate) to use an existing server.");
            }

            var binaries = await DescribeAsync(directory, cancellationToken).ConfigureAwait(false);
            EnsureMatches(binaries, wantedMajor);
            return binaries;
        }

        var candidates = new List<string>();
        if (await AskPgConfigAsync(cancellationToken).ConfigureAwait(false) is { } fromPgConfig)
        {
            candidates.Add(fromPgConfig);
        }

        candidates.AddRange(VersionedDirectories("/usr/lib/postgresql", "*", dir => Path.GetFileName(dir)));
        candidates.AddRange(VersionedDirectories("/usr", "pgsql-*", dir => Path.GetFileName(dir)["pgsql-".Length..]));
        candidates.Add("/usr/local/pgsql/bin");

        var found = candidates.Distinct(StringComparer.Ordinal).Where(HasServerPrograms).ToList();
        if (found.Count == 0)
        {
            throw new EmbeddedPostgresException(
                "No database connection string is configured (ConnectionStrings:Tollgate, or the environment variable " +
                "ConnectionStrings__Tollgate) and no PostgreSQL server programs were found to run a private server " +
                $"(looked in {SearchedPlaces}). Install PostgreSQL (Debian/Ubuntu: `apt-get install -y postgresql`) " +
                "or configure a connection string.");
        }

        if (wantedMajor is null)
        {
            return await DescribeAsync(found[0], cancellationToken).ConfigureAwait(false);
        }

        var described = new List<PostgresBinaries>();
        foreach (var directory in found)
        {
            var binaries = await DescribeAsync(directory, cancellationToken).ConfigureAwait(false);
            if (binaries.MajorVersion == wantedMajor)
            {
                return binaries;
            }

            described.Add(binaries);
        }

        EnsureMatches(described[0], wantedMajor);
        return described[0];
    }

    private static void EnsureMatches(PostgresBinaries binaries, string? wantedMajor)
    {
        if (wantedMajor is not null && binaries.MajorVersion != wantedMajor)
        {
            throw new EmbeddedPostgresException(
                $"The PostgreSQL data folder was created by PostgreSQL {wantedMajor}, but the server programs in " +
                $"{binaries.BinDirectory} are version {binaries.Version}. Install PostgreSQL {wantedMajor} " +
                "(or set BinDirectory to it), delete the data folder to start over, or configure a connection string.");
        }
    }

    private static async Task<PostgresBinaries> DescribeAsync(string directory, CancellationToken cancellationToken)
    {
        // pg_ctl answers --version before its refusal to run as root, so no user switch is needed.
        var result = await ProcessRunner.RunAsync(Path.Combine(directory, "pg_ctl"), ["--version"], cancellationToken)
            .ConfigureAwait(false);
        var match = VersionPattern().Match(result.StandardOutput);
        if (!match.Success)
        {
            throw new EmbeddedPostgresException(
                $"Could not tell the PostgreSQL version of {directory} from `pg_ctl --version`: {result.StandardOutput.Trim()}");
        }

        return new PostgresBinaries(directory, match.Groups[1].Value);
    }

    private static async Task<string?> AskPgConfigAsync(CancellationToken cancellationToken)
    {
        var pgConfig = FindOnPath("pg_config");
        if (pgConfig is null)
        {
            return null;
        }

        // pg_config is a hint only (it may belong to a client-only install); failures fall through to the fixed places.
        try
        {
            var result = await ProcessRunner.RunAsync(pgConfig, ["--bindir"], cancellationToken, throwOnError: false)
                .ConfigureAwait(false);
            var directory = result.StandardOutput.Trim();
            return result.Succeeded && directory.Length > 0 ? directory : null;
        }
        catch (EmbeddedPostgresException)
        {
            return null;
        }
    }

    private static string? FindOnPath(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The bin folders under <paramref name="root"/>, highest version first.</summary>
    private static List<string> VersionedDirectories(string root, string pattern, Func<string, string> versionOf)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        return Directory.EnumerateDirectories(root, pattern)
            .Select(dir => (Bin: Path.Combine(dir, "bin"), Version: ParseVersion(versionOf(dir))))
            .Where(entry => entry.Version is not null)
            .OrderByDescending(entry => entry.Version)
            .Select(entry => entry.Bin)
            .ToList();
    }

    private static Version? ParseVersion(string text) =>
        System.Version.TryParse(text.Contains('.', StringComparison.Ordinal) ? text : text + ".0", out var version)
            ? version
            : null;

    private static bool HasServerPrograms(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));

    private static string MajorOf(string version)
    {
        var parts = version.Split('.');
        return int.Parse(parts[0], CultureInfo.InvariantCulture) >= 10 || parts.Length == 1
            ? parts[0]
            : parts[0] + "." + parts[1];
    }

    [GeneratedRegex(@"\(PostgreSQL\)\s+(\d+(?:\.\d+)?)")]
    private static partial Regex VersionPattern();
}
