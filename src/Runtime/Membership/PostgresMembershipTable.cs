using System.Text.Json;
using Npgsql;
using Tollgate.Runtime.Postgres;

namespace Tollgate.Runtime.Membership;

/// <summary>
/// The membership table. <see cref="TryWriteAsync"/> bumps the cluster's version row and writes one member in
/// one statement, only if the version is still the one read: the version row is the single CAS token.
/// </summary>
public sealed class PostgresMembershipTable(PostgresDatabase database, string clusterId)
{
    private const string Columns = "address, port, generation, status, suspicions, i_am_alive, started_at";

    public async Task EnsureClusterAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "INSERT INTO cluster_versions (cluster_id, version) VALUES ($1, 0) ON CONFLICT (cluster_id) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The version and every member, read in one transaction so the two agree.</summary>
    public async Task<MembershipSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT v.version, {Columns} FROM cluster_versions v LEFT JOIN cluster_members m ON m.cluster_id = v.cluster_id WHERE v.cluster_id = $1",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
        long version = -1;
        var members = new List<MembershipEntry>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                version = reader.GetInt64(0);
                if (!reader.IsDBNull(1))
                {
                    members.Add(new MembershipEntry(
                        new SiloAddress(reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3)),
                        (SiloStatus)reader.GetInt16(4),
                        JsonSerializer.Deserialize<List<Suspicion>>(reader.GetString(5)) ?? [],
                        reader.GetDateTime(6),
                        reader.GetDateTime(7)));
                }
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new MembershipSnapshot(version, members);
    }

    /// <summary>
    /// Writes <paramref name="entry"/> and bumps the version, if the version is <paramref name="expectedVersion"/>
    /// and the stored row is not Dead. False when another writer came first: re-read and decide again.
    /// </summary>
    public async Task<bool> TryWriteAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var bump = new NpgsqlCommand(
            "UPDATE cluster_versions SET version = version + 1, updated_at = now() WHERE cluster_id = $1 AND version = $2", connection, transaction);
        bump.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
        bump.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion });
        if (await bump.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return false;
        }

        await using var write = new NpgsqlCommand(
            $"""
            INSERT INTO cluster_members (cluster_id, {Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (cluster_id, address, port, generation) DO UPDATE
                SET status = EXCLUDED.status, suspicions = EXCLUDED.suspicions, i_am_alive = EXCLUDED.i_am_alive, updated_at = now()
                WHERE cluster_members.status <> {(short)SiloStatus.Dead}
            """, connection, transaction);
        write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
        write.Parameters.AddSilo(entry.Silo);
        write.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)entry.Status });
        write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(entry.Suspicions) });
        write.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = entry.IAmAlive });
        write.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = entry.StartedAt });
        if (await write.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return false; // the row is Dead: terminal
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Refreshes a silo's heartbeat; no version change, as nobody decides anything on it alone.</summary>
    public async Task HeartbeatAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "UPDATE cluster_members SET i_am_alive = now() WHERE cluster_id = $1 AND address = $2 AND port = $3 AND generation = $4");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
        command.Parameters.AddSilo(silo);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Deletes Dead rows not updated for <paramref name="age"/>.</summary>
    public async Task<int> DeleteDefunctAsync(TimeSpan age, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            $"DELETE FROM cluster_members WHERE cluster_id = $1 AND status = {(short)SiloStatus.Dead} AND updated_at < now() - $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = age });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
