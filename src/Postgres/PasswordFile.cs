using System.Buffers.Text;
using System.Security.Cryptography;

namespace Tollgate.Postgres;

/// <summary>
/// The superuser password, kept beside (not inside) the data folder so only the app's own user can read it,
/// while the folder itself belongs to the server account.
/// </summary>
internal static class PasswordFile
{
    public static string PathFor(string dataDirectory) => dataDirectory + ".password";

    public static string Generate() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static void Save(string path, string password)
    {
        // Written aside then moved, so a crash never leaves a half-written password behind.
        var pending = path + ".tmp";
        PrivateFiles.WriteAllText(pending, password);
        File.Move(pending, path, overwrite: true);
    }

    public static string Load(string path, string dataDirectory)
    {
        if (!File.Exists(path))
        {
            throw new EmbeddedPostgresException(
                $"The PostgreSQL data folder {dataDirectory} already holds a database, but its password file {path} is " +
                "missing, so the folder was initialised elsewhere or the file was deleted. Delete the folder to start " +
                "over (its data is lost), restore the password file, or configure a connection string " +
                "(ConnectionStrings:Tollgate).");
        }

        var password = File.ReadAllText(path).Trim();
        if (password.Length == 0)
        {
            throw new EmbeddedPostgresException(
                $"The PostgreSQL password file {path} is empty. Restore it, or delete it together with {dataDirectory} to start over.");
        }

        return password;
    }

    /// <summary>
    /// Writes the password where the server account can read it for initdb: a private folder beside the
    /// data folder, whose parent is already known to be reachable by that account.
    /// </summary>
    public static async Task<string> WriteForInitDbAsync(
        string password, ServerAccount account, string dataDirectory, CancellationToken cancellationToken)
    {
        var parent = Path.GetDirectoryName(dataDirectory)!;
        var prefix = $".{Path.GetFileName(dataDirectory)}.init-";

        // A process killed during initdb leaves its copy of the password behind; we hold the lock, so none is in use.
        foreach (var stale in Directory.EnumerateDirectories(parent, prefix + "*"))
        {
            Directory.Delete(stale, recursive: true);
        }

        var folder = Path.Combine(parent, prefix + Guid.NewGuid().ToString("N"));
        PrivateFiles.CreateDirectory(folder);
        var file = Path.Combine(folder, "pwfile");
        try
        {
            PrivateFiles.WriteAllText(file, password);
            await account.GrantAsync(folder, cancellationToken).ConfigureAwait(false);
            return file;
        }
        catch
        {
            DeleteInitDbFile(file);
            throw;
        }
    }

    public static void DeleteInitDbFile(string file)
    {
        var folder = Path.GetDirectoryName(file)!;
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
