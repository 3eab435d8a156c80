using Npgsql;
using NpgsqlTypes;
using Tollgate.Grains.Identity;

namespace Tollgate.Http.Benchmarks;

/// <summary>
/// Session rows written straight into <c>sessions</c>, shaped like the ones a sign-in writes (SessionGrain.CreateAsync):
/// id = <see cref="SessionTokens.SessionIdOf"/> of SHA-256(token), a version from the runtime's sequence, a browser's
/// user agent (about 110 characters) and address, remembered, expiring in 30 days. <c>updated_at</c> is now, so a
/// ValidateAsync within a day slides nothing and writes nothing.
/// </summary>
public static class SessionRows
{
    private const int RowsPerStatement = 10_000;

    private static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    ];

    /// <summary>Inserts <paramref name="count"/> sessions of <paramref name="userId"/>; returns each one's token hash (what a caller presents, hashed).</summary>
    public static async Task<byte[][]> InsertAsync(NpgsqlDataSource db, string userId, int count, DateTimeOffset now)
    {
        var hashes = new byte[count][];
        for (var start = 0; start < count; start += RowsPerStatement)
        {
            var rows = Math.Min(RowsPerStatement, count - start);
            var ids = new string[rows];
            var chunk = new byte[rows][];
            var addresses = new string[rows];
            var agents = new string[rows];
            for (var i = 0; i < rows; i++)
            {
                var n = start + i;
                chunk[i] = hashes[n] = SessionTokens.Hash(SessionTokens.Create());
                ids[i] = SessionTokens.SessionIdOf(chunk[i]);
                addresses[i] = $"203.0.113.{(n % 254) + 1}";
                agents[i] = UserAgents[n % UserAgents.Length];
            }

            await using var command = db.CreateCommand(
                "INSERT INTO sessions (id, version, user_id, token_hash, expires_at, created_at, updated_at, ip_address, user_agent, active_organization_id, remember_me) " +
                "SELECT s.id, nextval('grain_state_version'), $2, s.hash, $3, $4, $4, s.ip, s.agent, NULL, true " +
                "FROM unnest($1::text[], $5::bytea[], $6::text[], $7::text[]) AS s(id, hash, ip, agent)");
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userId });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.AddDays(30), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = chunk });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = addresses });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = agents });
            if (await command.ExecuteNonQueryAsync() != rows)
            {
                throw new InvalidOperationException($"Inserting {rows} sessions did not insert them all.");
            }
        }

        return hashes;
    }

    /// <summary>Sessions of <paramref name="userId"/> whose <c>updated_at</c> moved from <c>created_at</c> (a refresh wrote them).</summary>
    public static async Task<long> RefreshedAsync(NpgsqlDataSource db, string userId)
    {
        await using var command = db.CreateCommand("SELECT count(*) FROM sessions WHERE user_id = $1 AND updated_at <> created_at");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = userId });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
