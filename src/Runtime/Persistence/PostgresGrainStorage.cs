using System.Collections.Concurrent;
using Npgsql;
using Tollgate.Runtime.Postgres;

namespace Tollgate.Runtime;

/// <summary>
/// Grain states in their own PostgreSQL tables. The first write inserts through the primary key with
/// <c>ON CONFLICT DO NOTHING</c>, later writes are <c>UPDATE … WHERE version = @expected</c>; a write that
/// changes no row is a conflict and throws <see cref="InconsistentStateException"/>.
/// </summary>
public sealed partial class PostgresGrainStorage(PostgresDatabase database, StateTableRegistry tables, IServiceProvider services) : IGrainStorage
{
    private readonly ConcurrentDictionary<StateTable, StateSql> _sql = new();
    private readonly Membership.MembershipService? _membership =
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetService<Membership.MembershipService>(services);

    public async Task<StoredState<TState>?> ReadAsync<TState>(string key, CancellationToken cancellationToken = default) where TState : class
    {
        var (table, sql, keys) = Resolve<TState>(key);
        await using var command = database.DataSource.CreateCommand(sql.Select);
        AddKeys(command, keys);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredState<TState>(table.Read(new ReaderRow<TState>(table, reader)), reader.GetInt64(0));
    }

    public Task<long> WriteAsync<TState>(string key, TState state, long expectedVersion, CancellationToken cancellationToken = default) where TState : class =>
        WriteAsync(key, state, expectedVersion, [], cancellationToken);

    public Task<long> WriteAsync<TState>(string key, TState state, long expectedVersion, IReadOnlyList<CompanionStatement> companions, CancellationToken cancellationToken = default)
        where TState : class => WriteAsync(key, state, expectedVersion, companions, cancellationToken, groupCommit: true);

    private async Task<long> WriteAsync<TState>(
        string key, TState state, long expectedVersion, IReadOnlyList<CompanionStatement> companions, CancellationToken cancellationToken, bool groupCommit)
        where TState : class
    {
        var (table, sql, keys) = Resolve<TState>(key);
        if (groupCommit && table.GroupCommit)
        {
            return await GroupWriteAsync(table, sql, keys, key, state, expectedVersion, companions, cancellationToken);
        }

        if (companions.Count == 0)
        {
            await using var single = database.DataSource.CreateCommand(expectedVersion == 0 ? sql.Insert : sql.Update);
            return await WriteRowAsync(single, table, sql, keys, key, state, expectedVersion, cancellationToken);
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(expectedVersion == 0 ? sql.Insert : sql.Update, connection, transaction);
        var version = await WriteRowAsync(command, table, sql, keys, key, state, expectedVersion, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var companion in companions)
        {
            var statement = new NpgsqlBatchCommand(companion.Sql);
            foreach (var parameter in companion.Parameters)
            {
                statement.Parameters.Add(new NpgsqlParameter { Value = parameter ?? DBNull.Value });
            }

            batch.BatchCommands.Add(statement);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return version;
    }

    /// <summary>Runs the fenced insert or update; a write that changes no row throws (the transaction, if any, is rolled back on dispose).</summary>
    private async Task<long> WriteRowAsync<TState>(
        NpgsqlCommand command, StateTable<TState> table, StateSql sql, string[] keys, string key, TState state, long expectedVersion, CancellationToken cancellationToken)
        where TState : class
    {
        command.Parameters.AddRange(WriteParameters(table, keys, state, expectedVersion));
        if (await command.ExecuteScalarAsync(cancellationToken) is long version)
        {
            return version;
        }

        throw await ConflictAsync(table, sql, keys, key, expectedVersion, cancellationToken);
    }

    public async Task ClearAsync<TState>(string key, long expectedVersion, CancellationToken cancellationToken = default) where TState : class
    {
        var (table, sql, keys) = Resolve<TState>(key);
        await using var command = database.DataSource.CreateCommand(sql.Delete);
        AddKeys(command, keys);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion });
        AddFence(command);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0 && expectedVersion != 0)
        {
            throw await ConflictAsync(table, sql, keys, key, expectedVersion, cancellationToken);
        }
    }

    private (StateTable<TState> Table, StateSql Sql, string[] Keys) Resolve<TState>(string key) where TState : class
    {
        var table = tables.Get<TState>();
        return (table, _sql.GetOrAdd(table, static (t, fenced) => new StateSql(t, fenced), _membership is not null), table.SplitKey(key));
    }

    private void AddFence(NpgsqlCommand command) => command.Parameters.AddRange(FenceParameters());

    private NpgsqlParameter[] FenceParameters()
    {
        if (_membership is null)
        {
            return [];
        }

        var self = _membership.Self ?? throw new InvalidOperationException("A cluster silo writes state only after it joined.");
        return
        [
            new NpgsqlParameter<string> { TypedValue = _membership.ClusterId },
            new NpgsqlParameter<string> { TypedValue = self.Host },
            new NpgsqlParameter<int> { TypedValue = self.Port },
            new NpgsqlParameter<long> { TypedValue = self.Generation },
        ];
    }

    /// <summary>The parameters of an insert (no expected version) or update: keys, columns, version, fence.</summary>
    private NpgsqlParameter[] WriteParameters<TState>(StateTable<TState> table, string[] keys, TState state, long expectedVersion) where TState : class
    {
        var parameters = new List<NpgsqlParameter>(keys.Length + table.Columns.Count + 5);
        parameters.AddRange(keys.Select(k => new NpgsqlParameter<string> { TypedValue = k }));
        parameters.AddRange(table.Columns.Select(c => c.Parameter(state)));
        if (expectedVersion != 0)
        {
            parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion });
        }

        parameters.AddRange(FenceParameters());
        return [.. parameters];
    }

    private static void AddKeys(NpgsqlCommand command, string[] keys)
    {
        foreach (var key in keys)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        }
    }

    private async Task<InconsistentStateException> ConflictAsync(StateTable table, StateSql sql, string[] keys, string key, long expected, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(sql.Version);
        AddKeys(command, keys);
        var stored = await command.ExecuteScalarAsync(cancellationToken) as long?;
        return new InconsistentStateException(table.StateType.Name, key, expected, stored);
    }

    private sealed class ReaderRow<TState>(StateTable<TState> table, NpgsqlDataReader reader) : StateRow where TState : class
    {
        public override T Get<T>(string column)
        {
            var ordinal = table.Ordinal(column) + 1;
            return reader.IsDBNull(ordinal) ? default! : reader.GetFieldValue<T>(ordinal);
        }
    }
}
