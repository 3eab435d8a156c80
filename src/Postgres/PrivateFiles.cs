namespace Tollgate.Postgres;

/// <summary>
/// Owner-only files and folders. Unix modes carry the privacy; on Windows, where this component has no
/// server programs to find anyway, the platform defaults apply.
/// </summary>
internal static class PrivateFiles
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerAll = OwnerReadWrite | UnixFileMode.UserExecute;

    /// <summary>Creates a folder only its owner can enter; missing parents get the same mode, so create those first.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerAll);
        }
    }

    public static void WriteAllText(string path, string contents)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        using (var writer = new StreamWriter(path, options))
        {
            writer.Write(contents);
        }

        // UnixCreateMode only applies to new files; an existing one keeps its mode unless reset.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, OwnerReadWrite);
        }
    }

    /// <summary>Whether users other than the owner may pass through the folder.</summary>
    public static bool IsSearchableByOthers(string directory) =>
        OperatingSystem.IsWindows() || File.GetUnixFileMode(directory).HasFlag(UnixFileMode.OtherExecute);
}
