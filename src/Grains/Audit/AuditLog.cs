using System.Text.Json;
using NpgsqlTypes;
using Tollgate.Postgres;

namespace Tollgate.Grains.Audit;

/// <summary>Appends to the <c>interactions</c> table: every admin action, role change, ban and revocation.</summary>
public sealed class AuditLog(PostgresDatabase database)
{
    public async Task WriteAsync(string? userId, string? agentId, string kind, object data, CancellationToken cancellationToken = default)
    {
        await using var command = database.DataSource.CreateCommand(
            "INSERT INTO interactions (user_id, agent_id, kind, data) VALUES ($1, $2, $3, $4)");
        command.Parameters.Add(new() { Value = (object?)userId ?? DBNull.Value });
        command.Parameters.Add(new() { Value = (object?)agentId ?? DBNull.Value });
        command.Parameters.Add(new() { Value = kind });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(data, JsonSerializerOptions.Web), NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
