using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Npgsql;
using Tollgate.ApiHost.Billing;

namespace Tollgate.Http.Benchmarks.Hosting;

/// <summary>
/// The consume baselines: a minimal <see cref="WebApplication"/> in this process (same Kestrel defaults, environment
/// and log level as the ApiHost) with two routes that take the consume body (<see cref="ConsumeBody"/>) and answer
/// a <see cref="ConsumeResponse"/>:
/// <list type="bullet">
/// <item><c>POST /bare/consume</c>: counts in memory (<c>ConcurrentDictionary</c> + <c>Interlocked</c>), no I/O;</item>
/// <item><c>POST /pg/consume</c>: one <c>UPDATE bench_quota SET used = used + 1 WHERE id = $1 RETURNING used</c> per
/// request, on its own data source and table in the same PostgreSQL (autocommit, so one durable commit each).</item>
/// <item><c>POST /floor/consume</c>: <em>the durable floor</em>: the same durable write as Tollgate's consume, group
/// committed the same way (while one transaction commits, the next requests gather; each group is one set-based
/// <c>UPDATE … FROM unnest(ids, units)</c>, one commit), with no authentication, no grains, no idempotency.</item>
/// </list>
/// </summary>
public sealed class ConsumeBaselineServer : IAsyncDisposable
{
    public const string Table = "bench_quota";
    private const long Limit = 1_000_000_000_000;

    private readonly WebApplication _app;
    private readonly NpgsqlDataSource _dataSource;

    private ConsumeBaselineServer(WebApplication app, NpgsqlDataSource dataSource, int port)
    {
        _app = app;
        _dataSource = dataSource;
        Port = port;
    }

    public int Port { get; }

    public NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Creates <see cref="Table"/> afresh with a row of <c>used = 0</c> per id, then starts the server.</summary>
    public static async Task<ConsumeBaselineServer> StartAsync(int port, string connectionString, IReadOnlyCollection<string> ids, DateTimeOffset periodEnd)
    {
        // Npgsql's default pool (100) is above the load's concurrency, so no request waits for a connection.
        var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var create = dataSource.CreateCommand($"DROP TABLE IF EXISTS {Table}; CREATE TABLE {Table} (id text PRIMARY KEY, used bigint NOT NULL DEFAULT 0)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var insert = dataSource.CreateCommand($"INSERT INTO {Table} (id) SELECT unnest($1::text[])"))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
            await insert.ExecuteNonQueryAsync();
        }

        await using (var analyze = dataSource.CreateCommand($"ANALYZE {Table}"))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        var app = BaselineApp.CreateBuilder(port).Build();

        var counters = new ConcurrentDictionary<string, StrongBox<long>>(StringComparer.Ordinal);
        app.MapPost("/bare/consume", (ConsumeBody body) =>
        {
            var units = body.Units ?? 1;
            var used = Interlocked.Add(ref counters.GetOrAdd(body.UserId ?? "", static _ => new StrongBox<long>()).Value, units);
            return Results.Json(new ConsumeResponse(body.AgentId ?? "", body.UserId ?? "", units, used, Limit, Limit - used, periodEnd, false));
        });
        app.MapPost("/pg/consume", async (ConsumeBody body) =>
        {
            await using var command = dataSource.CreateCommand($"UPDATE {Table} SET used = used + 1 WHERE id = $1 RETURNING used");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = body.UserId ?? "" });
            if (await command.ExecuteScalarAsync() is not long used)
            {
                return Results.NotFound();
            }

            return Results.Json(new ConsumeResponse(body.AgentId ?? "", body.UserId ?? "", 1, used, Limit, Limit - used, periodEnd, false));
        });
        var floor = new GroupCommitter(dataSource);
        app.MapPost("/floor/consume", async (ConsumeBody body) =>
        {
            var units = body.Units ?? 1;
            var used = await floor.AddAsync(body.UserId ?? "", units);
            return used is { } value
                ? Results.Json(new ConsumeResponse(body.AgentId ?? "", body.UserId ?? "", units, value, Limit, Limit - value, periodEnd, false))
                : Results.NotFound();
        });
        await app.StartAsync();
        return new ConsumeBaselineServer(app, dataSource, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    /// <summary>
    /// Group commit at its simplest: requests queue; one drain loop takes everything queued (one row per id and
    /// group, later ones wait for the next), writes it as one statement in one implicit transaction, answers each.
    /// </summary>
    private sealed class GroupCommitter(NpgsqlDataSource dataSource)
    {
        private readonly Lock _lock = new();
        private List<(string Id, long Units, TaskCompletionSource<long?> Done)> _queue = [];
        private bool _running;

        public Task<long?> AddAsync(string id, long units)
        {
            var done = new TaskCompletionSource<long?>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                _queue.Add((id, units, done));
                if (!_running)
                {
                    _running = true;
                    _ = Task.Run(DrainAsync);
                }
            }

            return done.Task;
        }

        private async Task DrainAsync()
        {
            while (true)
            {
                List<(string Id, long Units, TaskCompletionSource<long?> Done)> group;
                lock (_lock)
                {
                    if (_queue.Count == 0)
                    {
                        _running = false;
                        return;
                    }

                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    group = [];
                    var rest = new List<(string, long, TaskCompletionSource<long?>)>();
                    foreach (var item in _queue)
                    {
                        (seen.Add(item.Id) ? group : rest).Add(item);
                    }

                    _queue = rest;
                }

                try
                {
                    await using var command = dataSource.CreateCommand(
                        $"UPDATE {Table} AS t SET used = t.used + v.n FROM unnest($1::text[], $2::bigint[]) AS v(id, n) WHERE t.id = v.id RETURNING t.id, t.used");
                    command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = group.ConvertAll(g => g.Id).ToArray() });
                    command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = group.ConvertAll(g => g.Units).ToArray() });
                    var used = new Dictionary<string, long>(group.Count, StringComparer.Ordinal);
                    await using (var reader = await command.ExecuteReaderAsync())
                    {
                        while (await reader.ReadAsync())
                        {
                            used[reader.GetString(0)] = reader.GetInt64(1);
                        }
                    }

                    foreach (var item in group)
                    {
                        item.Done.TrySetResult(used.TryGetValue(item.Id, out var value) ? value : null);
                    }
                }
                catch (Exception exception)
                {
                    foreach (var item in group)
                    {
                        item.Done.TrySetException(exception);
                    }
                }
            }
        }
    }
}
