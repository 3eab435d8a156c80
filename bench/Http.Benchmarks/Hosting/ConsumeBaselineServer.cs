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
        await app.StartAsync();
        return new ConsumeBaselineServer(app, dataSource, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
