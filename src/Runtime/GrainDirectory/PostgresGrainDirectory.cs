using Npgsql;
using Tollgate.Runtime.Membership;
using Tollgate.Runtime.Postgres;

namespace Tollgate.Runtime.GrainDirectory;

/// <summary>The cluster's grain directory in PostgreSQL: a primary key on the grain id makes the first writer win.</summary>
public sealed class PostgresGrainDirectory(PostgresDatabase database)
{
    private const string Columns = "grain_type, grain_key, silo_address, silo_port, silo_generation, activation_id";

    /// <summary>Registers <paramref name="entry"/> unless the grain already has one; returns the entry that holds.</summary>
    public async Task<DirectoryEntry> RegisterAsync(DirectoryEntry entry, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            $"""
            WITH inserted AS (
                INSERT INTO grain_directory ({Columns}) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (grain_type, grain_key) DO NOTHING
                RETURNING {Columns})
            SELECT {Columns} FROM inserted
            UNION ALL
            SELECT {Columns} FROM grain_directory WHERE grain_type = $1 AND grain_key = $2 AND NOT EXISTS (SELECT 1 FROM inserted)
            """);
        AddEntry(command, entry);
        return await ReadOneAsync(command, cancellationToken)
            ?? await RegisterAsync(entry, cancellationToken); // the winner unregistered in between: try again
    }

    public async Task<DirectoryEntry?> LookupAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand($"SELECT {Columns} FROM grain_directory WHERE grain_type = $1 AND grain_key = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Key });
        return await ReadOneAsync(command, cancellationToken);
    }

    /// <summary>Removes exactly this activation's entry; a newer registration of the grain stays.</summary>
    public async Task UnregisterAsync(DirectoryEntry entry, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "DELETE FROM grain_directory WHERE grain_type = $1 AND grain_key = $2 AND silo_address = $3 AND silo_port = $4 AND silo_generation = $5 AND activation_id = $6");
        AddEntry(command, entry);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Removes every entry of a dead silo; returns how many.</summary>
    public async Task<int> PurgeSiloAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "DELETE FROM grain_directory WHERE silo_address = $1 AND silo_port = $2 AND silo_generation = $3");
        command.Parameters.AddSilo(silo);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddEntry(NpgsqlCommand command, DirectoryEntry entry)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.GrainId.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.GrainId.Key });
        command.Parameters.AddSilo(entry.Silo);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = entry.ActivationId });
    }

    private static async Task<DirectoryEntry?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new DirectoryEntry(new GrainId(reader.GetString(0), reader.GetString(1)),
                new SiloAddress(reader.GetString(2), reader.GetInt32(3), reader.GetInt64(4)), reader.GetInt64(5))
            : null;
    }
}
