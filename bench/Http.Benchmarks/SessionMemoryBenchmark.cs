using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tollgate.ApiHost.Identity;
using Tollgate.Bench;
using Tollgate.Grains.Identity;
using Tollgate.Http.Benchmarks.Hosting;
using Tollgate.Http.Benchmarks.Load;
using Orleans.Runtime;
using Orleans.Storage;
using Tollgate.Hosting;

namespace Tollgate.Http.Benchmarks;

/// <summary>
/// <c>--scenario session-memory</c> (issue 7): the heap an idle <see cref="SessionGrain"/> activation keeps, its state
/// read from PostgreSQL, in the real ApiHost's embedded silo. One user signs up through the API; its sessions are
/// inserted with SQL; each is activated by the read-only call get-session makes (ValidateAsync with its token hash);
/// the live heap after full compacting collections, before and after, divided by the count, against 2 KB.
/// </summary>
public static class SessionMemoryBenchmark
{
    private const int TargetBytes = 2048;
    private const int Chunk = 1_000;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var count = options.Sessions;
        var log = RunLog.Start(options, BenchOptions.SessionMemoryScenario, $"{count:N0} sessions activated {Chunk:N0} at a time");
        log.Progress("starting PostgreSQL ...");
        await using var postgres = await BenchPostgres.StartAsync(ApiHostFactory.PostgresFolderPrefix, options.Fsync ?? false);
        await using var api = ApiHostFactory.StartOnFreePort(postgres.ConnectionString, log.Progress);
        var userId = await SignUpAsync(api.BaseAddress);

        // Keys are made from the hashes call by call, as get-session does: the activation keeps its key, so it counts.
        log.Progress($"user {userId} signed up; inserting {count:N0} + {Chunk:N0} (warm-up) sessions ...");
        await using var db = NpgsqlDataSource.Create(postgres.ConnectionString);
        var now = DateTimeOffset.UtcNow;
        var warm = await SessionRows.InsertAsync(db, userId, Chunk, now);
        var hashes = await SessionRows.InsertAsync(db, userId, count, now);

        var grains = api.Services.GetRequiredService<IGrainFactory>();
        // Same-sized warm-up: code paths, the connection pool at its working size, prepared statements.
        await ValidateEachAsync(grains, warm);
        var activationsBefore = ActivationCounter.Of(typeof(ISessionGrain));
        var before = LiveBytes();
        log.Progress($"activating {count:N0} sessions (live heap {before / 1e6:0.0} MB, {activationsBefore} activations) ...");
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < count; start += Chunk)
        {
            await ValidateEachAsync(grains, new ArraySegment<byte[]>(hashes, start, Math.Min(Chunk, count - start)));
        }

        clock.Stop();
        var after = LiveBytes();
        var activations = ActivationCounter.Of(typeof(ISessionGrain)) - activationsBefore;
        if (activations != count)
        {
            throw new InvalidOperationException($"Expected {count} new activations, found {activations}.");
        }

        var refreshed = await SessionRows.RefreshedAsync(db, userId);
        if (refreshed != 0)
        {
            throw new InvalidOperationException($"{refreshed} sessions were written: the activations were not idle reads.");
        }

        log.Progress($"activated {activations:N0} in {clock.Elapsed.TotalSeconds:0.0} s (live heap {after / 1e6:0.0} MB); measuring the parts ...");
        var total = (after - before) / (double)count;
        var storage = api.Services.GetRequiredService<IGrainStorage>();
        var state = await BytesPerObjectAsync(count, async i =>
        {
            var read = new GrainState<SessionState>();
            await storage.ReadStateAsync("session", GrainId.Create("session", SessionTokens.SessionIdOf(hashes[i])), read);
            return (object)read.State!;
        });
        var key = await BytesPerObjectAsync(count, i => Task.FromResult<object>(SessionTokens.SessionIdOf(hashes[i])));
        var runtimePart = total - state - key;
        GC.KeepAlive(hashes);
        log.Progress("done; stopping servers");

        string F(double v) => v.ToString("N1", CultureInfo.InvariantCulture);
        var met = total <= TargetBytes;
        Console.WriteLine();
        Console.WriteLine("| Measure | Bytes per session |");
        Console.WriteLine("|---|---:|");
        Console.WriteLine($"| Idle session activation, total (live heap delta / {count:N0}) | {F(total)} |");
        Console.WriteLine($"| `SessionState` as read from PostgreSQL (`IGrainStorage.ReadStateAsync`, its strings and token hash included) | {F(state)} |");
        Console.WriteLine($"| Session id, the grain key string ({SessionTokens.SessionIdOf(hashes[0]).Length} characters) | {F(key)} |");
        Console.WriteLine($"| Orleans' part: activation, grain, `PersistentState` bridge, catalog and directory entries (total − state − key) | {F(runtimePart)} |");
        Console.WriteLine();
        Console.WriteLine(
            $"{activations:N0} new activations (runtime count); 0 sessions written; {count / clock.Elapsed.TotalSeconds:N0} activations/s; " +
            $"target ≤ {TargetBytes:N0} B per idle session activation: {(met ? "met" : "NOT met")}");
        await log.WriteSummaryAsync(new
        {
            sessions = count,
            activations,
            bytesPerActivation = Math.Round(total, 1),
            stateBytes = Math.Round(state, 1),
            keyBytes = Math.Round(key, 1),
            runtimeBytes = Math.Round(runtimePart, 1),
            liveBytesBefore = before,
            liveBytesAfter = after,
            activationsPerSecond = Math.Round(count / clock.Elapsed.TotalSeconds),
            targetBytes = TargetBytes,
            met,
        }, options.JsonFile);
        return met ? 0 : 1;
    }

    private static async Task<string> SignUpAsync(Uri apiBase)
    {
        using var client = LoadClient.Create();
        var runId = Guid.NewGuid().ToString("N")[..8];
        using var response = await client.PostAsJsonAsync(new Uri(apiBase, "/api/auth/sign-up/email"),
            new { name = "Bench Sessions", email = $"bench-sessions-{runId}@example.com", password = $"Bench-password-{runId}" });
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.OK
            ? JsonSerializer.Deserialize<SignUpResponse>(body, JsonSerializerOptions.Web)!.User.Id
            : throw new InvalidOperationException($"Sign-up answered {(int)response.StatusCode}: {body}");
    }

    /// <summary>get-session's grain call on each session; every one must be valid and not slid (no write).</summary>
    private static async Task ValidateEachAsync(IGrainFactory grains, ArraySegment<byte[]> hashes)
    {
        var checks = await Task.WhenAll(hashes.Select(h => grains.GetGrain<ISessionGrain>(SessionTokens.SessionIdOf(h)).ValidateAsync(h)));
        var bad = Array.FindIndex(checks, c => c is null || c.Refreshed);
        if (bad >= 0)
        {
            throw new InvalidOperationException(
                $"Session {SessionTokens.SessionIdOf(hashes[bad])} did not validate idly: {(checks[bad] is null ? "not valid" : "refreshed (written)")}.");
        }
    }

    /// <summary>Bytes per object made by <paramref name="make"/> (<see cref="Chunk"/> at a time), kept in a holder allocated before the first snapshot.</summary>
    private static async Task<double> BytesPerObjectAsync(int count, Func<int, Task<object>> make)
    {
        var keep = new object?[count];
        var before = LiveBytes();
        for (var start = 0; start < count; start += Chunk)
        {
            await Task.WhenAll(Enumerable.Range(start, Math.Min(Chunk, count - start)).Select(async i => keep[i] = await make(i)));
        }

        var after = LiveBytes();
        GC.KeepAlive(keep);
        return (after - before) / (double)count;
    }

    /// <summary>The live heap after two full, blocking, compacting collections (as bench/Runtime.Benchmarks MemoryFootprint).</summary>
    private static long LiveBytes()
    {
        for (var i = 0; i < 2; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
