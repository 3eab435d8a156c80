using Npgsql;
using Orleans.Storage;

namespace Tollgate.Storage;

public sealed partial class PostgresGrainStorage
{
    private const int MaxGroup = 256;
    private readonly Lock _groupLock = new();
    private List<GroupWrite> _groupQueue = [];
    private bool _groupRunning;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<StateTable, string> _groupUpdates = new();

    /// <summary>
    /// Queues a write for the next group commit and waits for it. While a group is being committed the next one
    /// gathers, so under load many writes share a commit and at rest a write goes at once.
    /// </summary>
    private Task<long> GroupWriteAsync<TState>(
        StateTable<TState> table, StateSql sql, string[] keys, string key, TState state, long expectedVersion,
        IReadOnlyList<CompanionStatement> companions, CancellationToken cancellationToken)
    {
        var write = new GroupWrite(
            table, sql, key, keys, state!, expectedVersion,
            expectedVersion == 0 ? WriteParameters(table, keys, state, expectedVersion) : null,
            companions,
            () => ConflictAsync(table, sql, keys, key, expectedVersion, CancellationToken.None),
            ct => WriteAsync(table, sql, keys, key, state!, expectedVersion, companions, ct, groupCommit: false));
        lock (_groupLock)
        {
            _groupQueue.Add(write);
            if (!_groupRunning)
            {
                _groupRunning = true;
                _ = Task.Run(DrainGroupsAsync, CancellationToken.None);
            }
        }

        return write.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task DrainGroupsAsync()
    {
        while (true)
        {
            List<GroupWrite> group;
            lock (_groupLock)
            {
                if (_groupQueue.Count == 0)
                {
                    _groupRunning = false;
                    return;
                }

                group = TakeGroup();
            }

            try
            {
                await CommitGroupAsync(group);
            }
            catch (Exception exception)
            {
                // Never leave a writer waiting, and keep draining: the next group may well succeed.
                foreach (var write in group)
                {
                    write.Completion.TrySetException(exception);
                }
            }
        }
    }

    /// <summary>
    /// The next group: up to <see cref="MaxGroup"/> writes, at most one per grain (a grain's later write, queued after
    /// its earlier one gave up waiting, goes in the next group, so each row appears once in a set-based update).
    /// </summary>
    private List<GroupWrite> TakeGroup()
    {
        var group = new List<GroupWrite>(Math.Min(_groupQueue.Count, MaxGroup));
        var rest = new List<GroupWrite>();
        var grains = new HashSet<(StateTable, string)>();
        foreach (var write in _groupQueue)
        {
            if (group.Count < MaxGroup && grains.Add((write.Table, write.Key)))
            {
                group.Add(write);
            }
            else
            {
                rest.Add(write);
            }
        }

        _groupQueue = rest;
        return group;
    }

    private async Task CommitGroupAsync(List<GroupWrite> group)
    {
        long?[] versions;
        try
        {
            versions = await CommitTogetherAsync(group);
        }
        catch (Exception) when (group.Count > 1)
        {
            // One write made the whole transaction fail (a companion's constraint, say): write each alone, so only
            // the faulty one fails. Nothing of the failed transaction was committed.
            await Task.WhenAll(group.Select(async write =>
            {
                try
                {
                    write.Completion.TrySetResult(await write.Alone(CancellationToken.None));
                }
                catch (Exception exception)
                {
                    write.Completion.TrySetException(exception);
                }
            }));
            return;
        }
        catch (Exception exception)
        {
            group[0].Completion.TrySetException(exception);
            return;
        }

        for (var i = 0; i < group.Count; i++)
        {
            if (versions[i] is { } version)
            {
                group[i].Completion.TrySetResult(version);
            }
            else
            {
                try
                {
                    group[i].Completion.TrySetException(await group[i].Conflict());
                }
                catch (Exception exception)
                {
                    group[i].Completion.TrySetException(exception);
                }
            }
        }
    }

    /// <summary>
    /// One transaction: every fenced write in one round trip — the updates of each table as one statement over
    /// arrays, each row still checked against its own expected version, first inserts one by one — then the
    /// companions of the writes that took (a write that lost its version changes no row and runs none of its
    /// companions), then one commit.
    /// </summary>
    private async Task<long?[]> CommitTogetherAsync(List<GroupWrite> group)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        // Without companions the writes are the whole transaction: one batch is one implicit transaction (one Sync),
        // all or nothing, committed by the same round trip. Companions depend on which writes took: a second batch.
        var anyCompanions = group.Exists(w => w.Companions.Count > 0);
        await using var transaction = anyCompanions ? await connection.BeginTransactionAsync() : null;
        var versions = new long?[group.Count];
        var statements = new List<int[]>(); // the writes each batch command carries, in order
        await using (var writes = new NpgsqlBatch(connection, transaction))
        {
            foreach (var tableWrites in group.Select((write, index) => (write, index)).Where(w => w.write.ExpectedVersion != 0).GroupBy(w => w.write.Table))
            {
                var members = tableWrites.Select(w => w.index).ToArray();
                var update = new NpgsqlBatchCommand(await GroupUpdateSqlAsync(tableWrites.Key, group[members[0]].Sql, connection));
                update.Parameters.AddRange(GroupUpdateParameters(tableWrites.Key, members.Select(i => group[i]).ToList()));
                writes.BatchCommands.Add(update);
                statements.Add(members);
            }

            for (var i = 0; i < group.Count; i++)
            {
                if (group[i].InsertParameters is { } parameters)
                {
                    var insert = new NpgsqlBatchCommand(group[i].Sql.Insert);
                    insert.Parameters.AddRange(parameters);
                    writes.BatchCommands.Add(insert);
                    statements.Add([i]);
                }
            }

            await using var reader = await writes.ExecuteReaderAsync();
            foreach (var members in statements)
            {
                if (group[members[0]].InsertParameters is not null)
                {
                    versions[members[0]] = await reader.ReadAsync() ? reader.GetInt64(0) : null;
                    await reader.NextResultAsync();
                    continue;
                }

                var returned = new Dictionary<string, long>(members.Length, StringComparer.Ordinal);
                var keyCount = group[members[0]].Table.KeyColumns.Count;
                while (await reader.ReadAsync())
                {
                    var key = keyCount == 1 ? reader.GetString(0) : string.Join('/', Enumerable.Range(0, keyCount).Select(reader.GetString));
                    returned[key] = reader.GetInt64(keyCount);
                }

                foreach (var member in members)
                {
                    versions[member] = returned.TryGetValue(group[member].Key, out var version) ? version : null;
                }

                await reader.NextResultAsync();
            }
        }

        var companions = group.Where((_, i) => versions[i] is not null).SelectMany(w => w.Companions).ToList();
        if (companions.Count > 0)
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var companion in companions)
            {
                batch.BatchCommands.Add(companion.ToBatchCommand());
            }

            await batch.ExecuteNonQueryAsync();
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync();
        }

        return versions;
    }

    /// <summary>The table's set-based update, built on first use from the column types in the catalog.</summary>
    private async Task<string> GroupUpdateSqlAsync(StateTable table, StateSql sql, NpgsqlConnection connection)
    {
        if (_groupUpdates.TryGetValue(table, out var cached))
        {
            return cached;
        }

        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(StateSql.ColumnTypes, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.Name });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                types[reader.GetString(0)] = reader.GetString(1);
            }
        }

        return _groupUpdates[table] = sql.GroupUpdate(types);
    }

    /// <summary>Key arrays, expected versions, column arrays, then the fence: the parameters of <see cref="StateSql.GroupUpdate"/>.</summary>
    private NpgsqlParameter[] GroupUpdateParameters(StateTable table, List<GroupWrite> writes)
    {
        var parameters = new List<NpgsqlParameter>(table.KeyColumns.Count + table.ColumnNames.Count + 5);
        for (var k = 0; k < table.KeyColumns.Count; k++)
        {
            parameters.Add(new NpgsqlParameter<string[]> { TypedValue = writes.ConvertAll(w => w.KeyParts[k]).ToArray() });
        }

        parameters.Add(new NpgsqlParameter<long[]> { TypedValue = writes.ConvertAll(w => w.ExpectedVersion).ToArray() });
        parameters.AddRange(table.ColumnArrays(writes.ConvertAll(w => w.State)));
        parameters.AddRange(FenceParameters());
        return [.. parameters];
    }

    /// <summary>A queued write: an update (<see cref="InsertParameters"/> null) or a first insert.</summary>
    private sealed record GroupWrite(
        StateTable Table,
        StateSql Sql,
        string Key,
        string[] KeyParts,
        object State,
        long ExpectedVersion,
        NpgsqlParameter[]? InsertParameters,
        IReadOnlyList<CompanionStatement> Companions,
        Func<Task<InconsistentStateException>> Conflict,
        Func<CancellationToken, Task<long>> Alone)
    {
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
