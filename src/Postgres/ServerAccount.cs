using System.Runtime.InteropServices;

namespace Tollgate.Postgres;

/// <summary>
/// The account the server runs under. PostgreSQL refuses to run as root, so a root process hands the
/// server to the <c>postgres</c> system user; anyone else runs it as themselves.
/// </summary>
internal sealed class ServerAccount
{
    private const string PostgresUser = "postgres";

    // Found by full path first: /usr/sbin is often missing from the PATH of services and containers.
    private static readonly Lazy<string> RunUser = new(() =>
        new[] { "/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser" }.FirstOrDefault(File.Exists)
        ?? "runuser");

    private ServerAccount(bool isRoot) => IsRoot = isRoot;

    public bool IsRoot { get; }

    public static ServerAccount Current { get; } = new(DetectRoot());

    /// <summary>Runs a server binary as the server account.</summary>
    public Task<ProcessResult> RunAsync(
        string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool throwOnError = true)
    {
        if (!IsRoot)
        {
            return ProcessRunner.RunAsync(program, arguments, cancellationToken, throwOnError);
        }

        string[] wrapped = ["-u", PostgresUser, "--", program, .. arguments];
        return ProcessRunner.RunAsync(RunUser.Value, wrapped, cancellationToken, throwOnError);
    }

    /// <summary>Fails early with advice when root has no postgres user to hand the server to.</summary>
    public async Task EnsureUsableAsync(CancellationToken cancellationToken)
    {
        if (!IsRoot)
        {
            return;
        }

        var result = await ProcessRunner.RunAsync("id", ["-u", PostgresUser], cancellationToken, throwOnError: false)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new EmbeddedPostgresException(
                "This process runs as root, and PostgreSQL refuses to run as root, so the private server runs as the " +
                $"'{PostgresUser}' system user, which does not exist here. Install PostgreSQL from the distribution's " +
                "packages (which create that user), run as a non-root user, or configure a connection string " +
                "(ConnectionStrings:Tollgate).");
        }
    }

    /// <summary>Gives the server account ownership of a folder tree it must write to.</summary>
    public async Task GrantAsync(string path, CancellationToken cancellationToken)
    {
        if (IsRoot)
        {
            // "user:" means the user's login group, whatever it is called on this system.
            await ProcessRunner.RunAsync("chown", ["-R", PostgresUser + ":", path], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Makes sure the postgres user can reach a folder root created: a private parent such as /root
    /// otherwise shows up later as a confusing "permission denied" from initdb or pg_ctl.
    /// </summary>
    public async Task EnsureReachableAsync(string directory, CancellationToken cancellationToken)
    {
        if (!IsRoot)
        {
            return;
        }

        var probe = await RunAsync("test", ["-x", directory], cancellationToken, throwOnError: false).ConfigureAwait(false);
        if (probe.Succeeded)
        {
            return;
        }

        var parent = Path.GetDirectoryName(directory) ?? directory;
        var blocking = FindUnsearchableAncestor(parent) ?? parent;
        throw new EmbeddedPostgresException(
            $"The private PostgreSQL server runs as the '{PostgresUser}' user, which cannot reach {directory} because " +
            $"{blocking} is not searchable by other users. Choose a Database:DataDirectory outside it " +
            $"(for example /var/lib/tollgate/pg), allow traversal with `chmod o+x {blocking}`, " +
            "or configure a connection string (ConnectionStrings:Tollgate).");
    }

    /// <summary>The outermost folder on the way to <paramref name="directory"/> that others may not pass through.</summary>
    private static string? FindUnsearchableAncestor(string directory)
    {
        var chain = new List<string>();
        for (var current = directory; !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            chain.Add(current);
        }

        chain.Reverse();
        return chain.FirstOrDefault(dir => Directory.Exists(dir) && !PrivateFiles.IsSearchableByOthers(dir));
    }

    private static bool DetectRoot()
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            return geteuid() == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return Environment.UserName == "root";
        }
    }

    [DllImport("libc", SetLastError = false)]
    private static extern uint geteuid();
}
