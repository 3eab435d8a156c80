namespace Tollgate.Storage;

/// <summary>
/// A statement that commits in the same transaction as a state write, or not at all: an audit row, an
/// idempotency record, a processed-event mark. Parameters are positional (<c>$1</c>, <c>$2</c>…); a null is SQL NULL.
/// </summary>
public sealed record CompanionStatement(string Sql, params object?[] Parameters)
{
    internal Npgsql.NpgsqlBatchCommand ToBatchCommand()
    {
        var statement = new Npgsql.NpgsqlBatchCommand(Sql);
        foreach (var parameter in Parameters)
        {
            statement.Parameters.Add(new Npgsql.NpgsqlParameter { Value = parameter ?? DBNull.Value });
        }

        return statement;
    }
}
