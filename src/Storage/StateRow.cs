namespace Tollgate.Storage;

/// <summary>One stored row of a state table, read by the table's materializer.</summary>
public abstract class StateRow
{
    /// <summary>The value of <paramref name="column"/>; default when it is NULL.</summary>
    public abstract T Get<T>(string column);
}
