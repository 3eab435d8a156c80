using Tollgate.Storage;
using Tollgate.Postgres;

namespace Tollgate.Grains.Identity;

/// <summary>
/// Lists users from the <c>users</c> table. Every user grain writes its row before it answers, so the list shows
/// every change that has been acknowledged.
/// </summary>
public sealed class UserDirectoryGrain(PostgresDatabase database, TimeProvider clock) : Grain, IUserDirectoryGrain
{
    private const string Filter = "WHERE $1::text IS NULL OR email ILIKE $1 ESCAPE '\\' OR name ILIKE $1 ESCAPE '\\'";

    public async Task<UserPage> ListAsync(string? search, int limit, int offset)
    {
        var pattern = string.IsNullOrEmpty(search) ? null : "%" + search.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var batch = connection.CreateBatch();
        batch.BatchCommands.Add(Command($"SELECT count(*) FROM users {Filter}", pattern));
        var page = Command(
            "SELECT id, name, email, email_verified, role, banned, ban_reason, ban_expires, created_at, updated_at FROM users " +
            $"{Filter} ORDER BY created_at, id LIMIT $2 OFFSET $3", pattern);
        page.Parameters.Add(new() { Value = limit });
        page.Parameters.Add(new() { Value = offset });
        batch.BatchCommands.Add(page);
        await using var reader = await batch.ExecuteReaderAsync();
        await reader.ReadAsync();
        var total = reader.GetInt64(0);
        await reader.NextResultAsync();
        var now = clock.GetUtcNow();
        var users = new List<UserInfo>();
        while (await reader.ReadAsync())
        {
            var state = new UserState(
                reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetString(4), reader.GetBoolean(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                "", [], reader.GetFieldValue<DateTimeOffset>(8), reader.GetFieldValue<DateTimeOffset>(9));
            users.Add(state.ToInfo(reader.GetString(0), now));
        }

        return new UserPage([.. users], total);
    }

    private static Npgsql.NpgsqlBatchCommand Command(string sql, string? pattern)
    {
        var command = new Npgsql.NpgsqlBatchCommand(sql);
        command.Parameters.Add(new() { Value = (object?)pattern ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return command;
    }
}
