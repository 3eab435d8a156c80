using Tollgate.Grains.Access;
using Tollgate.Storage;
using Tollgate.Postgres;

namespace Tollgate.Grains.ApiKeys;

/// <summary>Lists keys from <c>api_keys</c>: the user's own, and its organizations' where its role may read keys.</summary>
public sealed class ApiKeyDirectoryGrain(PostgresDatabase database) : Grain, IApiKeyDirectoryGrain
{
    public async Task<ApiKeyInfo[]> ListForUserAsync(string userId)
    {
        var readable = new List<string>();
        await using (var roles = database.DataSource.CreateCommand("SELECT organization_id, role FROM members WHERE user_id = $1"))
        {
            roles.Parameters.Add(new() { Value = userId });
            await using var reader = await roles.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                if (OrganizationAccess.Statement.Allows(PlatformAccess.SplitRoles(reader.GetString(1)), [OrganizationAccess.ApiKeyRead]))
                {
                    readable.Add(reader.GetString(0));
                }
            }
        }

        await using var command = database.DataSource.CreateCommand(
            "SELECT id, name, start, user_id, organization_id, organization_role, key_hash, permissions, expires_at, rate_limit_max, " +
            "rate_limit_window_ms, created_at FROM api_keys WHERE user_id = $1 OR organization_id = ANY($2) ORDER BY created_at, id");
        command.Parameters.Add(new() { Value = userId });
        command.Parameters.Add(new() { Value = readable.ToArray() });
        await using var keys = await command.ExecuteReaderAsync();
        var list = new List<ApiKeyInfo>();
        while (await keys.ReadAsync())
        {
            var state = new ApiKeyState(
                keys.GetString(1), keys.GetString(2), keys.GetString(3), keys.IsDBNull(4) ? null : keys.GetString(4),
                keys.IsDBNull(5) ? null : keys.GetString(5), [], keys.IsDBNull(7) ? null : keys.GetString(7),
                keys.IsDBNull(8) ? null : keys.GetFieldValue<DateTimeOffset>(8), keys.IsDBNull(9) ? null : keys.GetInt32(9),
                keys.IsDBNull(10) ? null : keys.GetInt64(10), keys.GetFieldValue<DateTimeOffset>(11));
            list.Add(state.ToInfo(keys.GetString(0)));
        }

        return [.. list];
    }
}
