using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Storage;
using Tollgate.Postgres;

namespace Tollgate.Storage;

/// <summary>
/// Orleans grain storage over typed PostgreSQL tables: each state type has its own table with real columns (so
/// operators can query it) keyed by the grain's key, and an integer <c>version</c> column that is the ETag. The first
/// write inserts through the primary key with <c>ON CONFLICT DO NOTHING</c>, later writes are
/// <c>UPDATE … WHERE version = @expected</c>; a write that changes no row throws <see cref="InconsistentStateException"/>.
/// Every write is also fenced on this silo's row in Orleans' membership table: a silo declared dead cannot write late.
/// A write that fails for any reason puts the last stored state back into the grain and deactivates it, so memory
/// never runs ahead of the database and the next call reads the row again.
/// </summary>
public sealed partial class PostgresGrainStorage(
    PostgresDatabase database, StateTableRegistry tables, IOptions<ClusterOptions> cluster, ILocalSiloDetails silo,
    IGrainContextAccessor grainContexts, ILogger<PostgresGrainStorage> logger) : IGrainStorage
{
    private readonly ConcurrentDictionary<StateTable, StateSql> _sql = new();

    /// <summary>What each grain state object last held in the database: put back when a write fails.</summary>
    private readonly ConditionalWeakTable<object, Stored> _stored = new();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var (table, sql, keys) = Resolve<T>(grainId);
        await using var command = database.DataSource.CreateCommand(sql.Select);
        AddKeys(command, keys);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken))
        {
            Set(grainState, table.Read(new ReaderRow<T>(table, reader)), reader.GetInt64(0));
        }
        else
        {
            Set(grainState, table.CreateInitial(), version: 0);
        }
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var companions = StateCompanions.Take();
        try
        {
            var (table, sql, keys) = Resolve<T>(grainId);
            var key = grainId.Key.ToString()!;
            var state = grainState.State ?? throw new ArgumentException($"The {typeof(T).Name} state of '{key}' is null; write a state or clear it.");
            var version = await WriteAsync(table, sql, keys, key, state, ExpectedVersion(grainState), companions, cancellationToken, groupCommit: true);
            Set(grainState, state, version);
        }
        catch (Exception exception)
        {
            Revert(grainState, grainId, exception);
            throw Portable(exception, typeof(T), grainId, "written");
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        try
        {
            var (table, sql, keys) = Resolve<T>(grainId);
            var expected = ExpectedVersion(grainState);
            await using var command = database.DataSource.CreateCommand(sql.Delete);
            AddKeys(command, keys);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expected });
            command.Parameters.AddRange(FenceParameters());
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0 && expected != 0)
            {
                throw await ConflictAsync(table, sql, keys, grainId.Key.ToString()!, expected, cancellationToken);
            }

            Set(grainState, table.CreateInitial(), version: 0);
        }
        catch (Exception exception)
        {
            Revert(grainState, grainId, exception);
            throw Portable(exception, typeof(T), grainId, "deleted");
        }
    }

    /// <summary>
    /// The failure as an exception every caller can receive: Orleans' own as they are, a database error as an
    /// <see cref="OrleansException"/> carrying its message (Npgsql's exceptions do not cross the wire; the log has them whole).
    /// </summary>
    private static Exception Portable(Exception exception, Type stateType, GrainId grainId, string verb) => exception is OrleansException
        ? exception
        : new OrleansException($"The {stateType.Name} state of {grainId} could not be {verb} ({exception.GetType().Name}: {exception.Message}); " +
                               "the grain serves its stored state and the call may be retried.");

    private void Set<T>(IGrainState<T> grainState, T state, long version)
    {
        grainState.State = state;
        grainState.ETag = version == 0 ? null : version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = version != 0;
        _stored.AddOrUpdate(grainState, new Stored(state, grainState.ETag, grainState.RecordExists));
    }

    /// <summary>
    /// After a failed write or clear: the grain holds its last stored state again, and its activation goes away, so
    /// whatever the database now holds (the write may have committed before a timeout) is read by the next call.
    /// </summary>
    private void Revert<T>(IGrainState<T> grainState, GrainId grainId, Exception exception)
    {
        if (_stored.TryGetValue(grainState, out var stored))
        {
            grainState.State = (T)stored.State!;
            grainState.ETag = stored.ETag;
            grainState.RecordExists = stored.RecordExists;
        }

        if (grainContexts.GrainContext is { } context && context.GrainId == grainId)
        {
            LogWriteFailed(logger, exception, grainId);
            context.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, exception, "A state write failed; the state is read again on the next call."));
        }
    }

    private static long ExpectedVersion<T>(IGrainState<T> grainState) =>
        string.IsNullOrEmpty(grainState.ETag) ? 0 : long.Parse(grainState.ETag, NumberStyles.None, CultureInfo.InvariantCulture);

    private async Task<long> WriteAsync<TState>(
        StateTable<TState> table, StateSql sql, string[] keys, string key, TState state, long expectedVersion,
        IReadOnlyList<CompanionStatement> companions, CancellationToken cancellationToken, bool groupCommit)
    {
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
            batch.BatchCommands.Add(companion.ToBatchCommand());
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return version;
    }

    /// <summary>Runs the fenced insert or update; a write that changes no row throws (the transaction, if any, is rolled back on dispose).</summary>
    private async Task<long> WriteRowAsync<TState>(
        NpgsqlCommand command, StateTable<TState> table, StateSql sql, string[] keys, string key, TState state, long expectedVersion, CancellationToken cancellationToken)
    {
        command.Parameters.AddRange(WriteParameters(table, keys, state, expectedVersion));
        if (await command.ExecuteScalarAsync(cancellationToken) is long version)
        {
            return version;
        }

        throw await ConflictAsync(table, sql, keys, key, expectedVersion, cancellationToken);
    }

    private (StateTable<TState> Table, StateSql Sql, string[] Keys) Resolve<TState>(GrainId grainId)
    {
        var table = tables.Get<TState>();
        return (table, _sql.GetOrAdd(table, static t => new StateSql(t, fenced: true)), table.SplitKey(grainId.Key.ToString()!));
    }

    /// <summary>This silo's membership row: cluster id, address, port, generation.</summary>
    private NpgsqlParameter[] FenceParameters()
    {
        var self = silo.SiloAddress;
        return
        [
            new NpgsqlParameter<string> { TypedValue = cluster.Value.ClusterId },
            new NpgsqlParameter<string> { TypedValue = self.Endpoint.Address.ToString() },
            new NpgsqlParameter<int> { TypedValue = self.Endpoint.Port },
            new NpgsqlParameter<int> { TypedValue = self.Generation },
        ];
    }

    /// <summary>The parameters of an insert (no expected version) or update: keys, columns, version, fence.</summary>
    private NpgsqlParameter[] WriteParameters<TState>(StateTable<TState> table, string[] keys, TState state, long expectedVersion)
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
        var storedText = stored?.ToString(CultureInfo.InvariantCulture) ?? "none";
        return new InconsistentStateException(
            $"The {table.StateType.Name} state of '{key}' was written by another activation, or this silo is no longer a live member " +
            $"(expected version {expected}, stored {storedText}). Nothing was written; retry the call.",
            storedText, expected.ToString(CultureInfo.InvariantCulture));
    }

    [LoggerMessage(1, LogLevel.Warning, "A state write of {GrainId} failed; the activation goes and the next call reads the stored state")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, GrainId grainId);

    private sealed record Stored(object? State, string? ETag, bool RecordExists);

    private sealed class ReaderRow<TState>(StateTable<TState> table, NpgsqlDataReader reader) : StateRow
    {
        public override T Get<T>(string column)
        {
            var ordinal = table.Ordinal(column) + 1;
            return reader.IsDBNull(ordinal) ? default! : reader.GetFieldValue<T>(ordinal);
        }
    }
}
