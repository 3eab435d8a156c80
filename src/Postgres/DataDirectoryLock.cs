namespace Tollgate.Postgres;

/// <summary>
/// An exclusive lock file beside the data folder, held for the life of the server. The OS drops it when
/// the owning process dies, so a running server whose lock is free was left behind by a dead process.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    private readonly FileStream _stream;

    private DataDirectoryLock(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    public string Path { get; }

    public static string PathFor(string dataDirectory) => dataDirectory + ".lock";

    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        var path = PathFor(dataDirectory);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new DataDirectoryLock(path, stream);
        }
        catch (IOException ex)
        {
            throw new EmbeddedPostgresException(
                $"Another Tollgate process is using the PostgreSQL data folder {dataDirectory} (it holds {path}). " +
                "Stop that process, or choose another folder with Database:DataDirectory.",
                ex);
        }
    }

    public void Dispose() => _stream.Dispose();
}
