using Npgsql;

namespace Tollgate.Runtime;

public sealed partial class PostgresGrainStorage
{
    private const int MaxGroup = 256;
    private readonly Lock _groupLock = new();
    private List<GroupWrite> _groupQueue = [];
    private bool _groupRunning;

    /// <summary>
    /// Queues a write for the next group commit and waits for it. While a group is being committed the next one
    /// gathers, so under load many writes share a commit and at rest a write goes at once.
    /// </summary>
    private Task<long> GroupWriteAsync<TState>(
        StateTable<TState> table, StateSql sql, string[] keys, string key, TState state, long expectedVersion,
        IReadOnlyList<CompanionStatement> companions, CancellationToken cancellationToken) where TState : class
    {
        var write = new GroupWrite(
            expectedVersion == 0 ? sql.Insert : sql.Update,
            WriteParameters(table, keys, state, expectedVersion),
            companions,
            () => ConflictAsync(table, sql, keys, key, expectedVersion, CancellationToken.None),
            ct => WriteAsync(key, state, expectedVersion, companions, ct, groupCommit: false));
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

                group = _groupQueue.Count <= MaxGroup ? _groupQueue : _groupQueue[..MaxGroup];
                _groupQueue = _groupQueue.Count <= MaxGroup ? [] : _groupQueue[MaxGroup..];
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
    /// One transaction: every fenced write in one round trip, then the companions of the writes that took (a
    /// write that lost its version changes no row and runs none of its companions), then one commit.
    /// </summary>
    private async Task<long?[]> CommitTogetherAsync(List<GroupWrite> group)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var versions = new long?[group.Count];
        await using (var writes = new NpgsqlBatch(connection, transaction))
        {
            foreach (var write in group)
            {
                var command = new NpgsqlBatchCommand(write.Sql);
                command.Parameters.AddRange(write.Parameters);
                writes.BatchCommands.Add(command);
            }

            await using var reader = await writes.ExecuteReaderAsync();
            for (var i = 0; i < group.Count; i++)
            {
                versions[i] = await reader.ReadAsync() ? reader.GetInt64(0) : null;
                await reader.NextResultAsync();
            }
        }

        var companions = group.Where((_, i) => versions[i] is not null).SelectMany(w => w.Companions).ToList();
        if (companions.Count > 0)
        {
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

            await batch.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return versions;
    }

    private sealed record GroupWrite(
        string Sql,
        NpgsqlParameter[] Parameters,
        IReadOnlyList<CompanionStatement> Companions,
        Func<Task<InconsistentStateException>> Conflict,
        Func<CancellationToken, Task<long>> Alone)
    {
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
