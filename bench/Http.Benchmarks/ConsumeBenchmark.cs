using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Tollgate.ApiHost.Stripe;
using Tollgate.Bench;
using Tollgate.Http.Benchmarks.Hosting;
using Tollgate.Http.Benchmarks.Load;

namespace Tollgate.Http.Benchmarks;

/// <summary>
/// <c>--scenario consume</c> (issues 6 and 13): POST /api/quota/consume through the real ApiHost (embedded silo) on many
/// random subscriptions and on one hot subscription, next to (a) a bare Kestrel POST endpoint, (b) one durable
/// PostgreSQL UPDATE per request and (e) the durable floor: the same group-committed UPDATE with no authentication and
/// no grains; and (f) the same consume through a cluster (a silo process and a cluster-mode API host process), in one
/// run on one PostgreSQL; then checks that what was stored equals what was answered 200.
/// </summary>
public static class ConsumeBenchmark
{
    private const double TargetRandomVsBare = 0.5;
    private const double TargetRandomVsPostgres = 3.0;
    private const double TargetHotVsPostgresHot = 15.0;
    private const double TargetRandomVsFloor = 0.7;
    private const double TargetClusterVsEmbedded = 0.5;
    private const long PeriodQuota = 1_000_000_000_000;
    private const string WebhookSecret = "whsec_tollgate_http_bench";

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var fsync = options.Fsync ?? true;
        var log = RunLog.Start(options, BenchOptions.ConsumeScenario,
            $"{options.Subscriptions} random subscriptions + 1 hot; PostgreSQL fsync {(fsync ? "on" : "off")}, synchronous_commit on");

        var runId = Guid.NewGuid().ToString("N")[..8];
        var adminEmail = $"bench-admin-{runId}@example.com";
        log.Progress($"starting PostgreSQL (fsync {(fsync ? "on" : "off")}) ...");
        await using var postgres = await BenchPostgres.StartAsync(ApiHostFactory.PostgresFolderPrefix, fsync);
        await using var api = ApiHostFactory.StartOnFreePort(postgres.ConnectionString, log.Progress, new Dictionary<string, string>
        {
            ["Auth:BootstrapAdmins:0"] = adminEmail,
            ["Stripe:WebhookSecrets:0"] = WebhookSecret,
        });
        var apiBase = api.BaseAddress;

        using var client = LoadClient.Create();

        async Task<JsonElement> SendAsync(HttpMethod method, string path, string? bearer, object body)
        {
            using var request = new HttpRequestMessage(method, new Uri(apiBase, path)) { Content = JsonContent.Create(body) };
            if (bearer is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
            }

            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text}");
            }

            return JsonDocument.Parse(text).RootElement.Clone();
        }

        // 1. The platform admin and the agent's publisher; the publisher's organization, its quota:consume key, the agent.
        log.Progress("signing up the platform admin and the publisher ...");
        var signUps = await Task.WhenAll(
            SendAsync(HttpMethod.Post, "/api/auth/sign-up/email", null, new { name = "Bench Admin", email = adminEmail, password = $"Bench-password-{runId}-admin" }),
            SendAsync(HttpMethod.Post, "/api/auth/sign-up/email", null, new { name = "Bench Publisher", email = $"bench-publisher-{runId}@example.com", password = $"Bench-password-{runId}-pub" }));
        var adminToken = signUps[0].GetProperty("token").GetString()!;
        var publisherToken = signUps[1].GetProperty("token").GetString()!;
        var organizationId = (await SendAsync(HttpMethod.Post, "/api/auth/organization/create", publisherToken, new { name = "Bench Publisher", slug = $"bench-{runId}" }))
            .GetProperty("id").GetString()!;
        var apiKey = (await SendAsync(HttpMethod.Post, "/api/auth/api-key/create", publisherToken,
            new { name = "bench-agent-backend", organizationId, permissions = new { quota = new[] { "consume" } } })).GetProperty("key").GetString()!;
        var agentId = $"bench-agent-{runId}";
        var priceId = $"price_bench_{runId}";
        await SendAsync(HttpMethod.Put, $"/api/admin/agents/{agentId}", adminToken,
            new { name = "Bench Agent", organizationId, plans = new[] { new { stripePriceId = priceId, periodQuota = PeriodQuota } } });
        log.Progress($"organization {organizationId}, agent {agentId} (periodQuota {PeriodQuota:N0}), org API key with quota:consume");

        // 2. One active subscription per synthetic user, each by a signed customer.subscription.created webhook.
        var userIds = Enumerable.Range(0, options.Subscriptions).Select(i => $"bench-{runId}-u{i:00000}").ToArray();
        var hotUserId = $"bench-{runId}-hot";
        // The cluster phase's own subscriptions: its silo activates them, while the embedded host's stay with it.
        var clusterUserIds = Enumerable.Range(0, options.Subscriptions).Select(i => $"bench-{runId}-cl-{i:00000}").ToArray();
        string[] allUserIds = [.. userIds, hotUserId, .. clusterUserIds];
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        log.Progress($"activating {allUserIds.Length} subscriptions by signed Stripe webhooks ...");
        var webhookClock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(allUserIds.Select((u, i) => (u, i)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (item, ct) =>
        {
            var payload = Encoding.UTF8.GetBytes(SubscriptionCreated($"evt_bench_{runId}_{item.i}", now, item.u, agentId, priceId, $"sub_bench_{runId}_{item.i}", now - 60, now + (30 * 86_400)));
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(apiBase, "/api/stripe/webhook")) { Content = new ByteArrayContent(payload) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.TryAddWithoutValidation("Stripe-Signature", Tollgate.LoadTest.Seeding.StripeEvents.Sign(WebhookSecret, payload));
            using var response = await client.SendAsync(request, ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"Webhook for {item.u} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            }
        });
        log.Progress($"activated {allUserIds.Length} subscriptions in {webhookClock.Elapsed.TotalSeconds:0.0} s");

        // 3. The baselines, in this process, on the same PostgreSQL: rows named by the same user ids.
        await using var baseline = await ConsumeBaselineServer.StartAsync(FreePort.Next(), postgres.ConnectionString, allUserIds, DateTimeOffset.FromUnixTimeSeconds(now + (30 * 86_400)));
        var baselineBase = new Uri($"http://127.0.0.1:{baseline.Port}");
        var db = baseline.DataSource;
        await ScalarAsync<object>(db, "CREATE EXTENSION IF NOT EXISTS pg_walinspect");
        var randomBodies = userIds.Select(u => JsonSerializer.SerializeToUtf8Bytes(new { agentId, userId = u, units = 1 })).ToArray();
        var clusterBodies = clusterUserIds.Select(u => JsonSerializer.SerializeToUtf8Bytes(new { agentId, userId = u, units = 1 })).ToArray();
        await using var cluster = await ClusterProcesses.StartAsync(postgres.ConnectionString, new Dictionary<string, string>
        {
            ["Stripe__WebhookSecrets__0"] = WebhookSecret,
        }, log.Progress);
        byte[][] hotBody = [JsonSerializer.SerializeToUtf8Bytes(new { agentId, userId = hotUserId, units = 1 })];
        KeyValuePair<string, string>[] keyHeader = [new("x-api-key", apiKey)];

        var sample = await SampleAsync(client, new Uri(apiBase, "/api/quota/consume"), hotBody[0], keyHeader);
        var bareSample = await SampleAsync(client, new Uri(baselineBase, "/bare/consume"), hotBody[0], []);
        var pgSample = await SampleAsync(client, new Uri(baselineBase, "/pg/consume"), hotBody[0], []);
        log.Progress($"baselines listening on {baselineBase}; answer sizes: consume {sample.Length} B, bare {bareSample.Length} B, pg {pgSample.Length} B");
        log.Progress($"consume answer: {sample}");

        // 4. Load phases. Read around each phase: the stored sums, and the WAL written (bytes, commits, row updates).
        var specs = new (PhaseSpec Spec, Store Store)[]
        {
            (new("(a) bare Kestrel POST (1)", new Uri(baselineBase, "/bare/consume"), JsonBodies: randomBodies), Store.None),
            (new("(b) PG UPDATE per request, random", new Uri(baselineBase, "/pg/consume"), JsonBodies: randomBodies), Store.BaselineRandom),
            (new("(b) PG UPDATE per request, hot", new Uri(baselineBase, "/pg/consume"), JsonBodies: hotBody), Store.BaselineHot),
            (new("(e) durable floor: group-committed UPDATE, random", new Uri(baselineBase, "/floor/consume"), JsonBodies: randomBodies), Store.BaselineRandom),
            (new("(c) Tollgate consume, random", new Uri(apiBase, "/api/quota/consume"), JsonBodies: randomBodies, Headers: keyHeader), Store.TollgateRandom),
            (new("(d) Tollgate consume, hot", new Uri(apiBase, "/api/quota/consume"), JsonBodies: hotBody, Headers: keyHeader), Store.TollgateHot),
            (new("(f) Tollgate consume through a cluster, random", new Uri(cluster.ApiBase, "/api/quota/consume"), JsonBodies: clusterBodies, Headers: keyHeader), Store.ClusterRandom),
            (new("(a) bare Kestrel POST (2)", new Uri(baselineBase, "/bare/consume"), JsonBodies: randomBodies), Store.None),
        };
        var phases = new List<(PhaseResult Result, StoreDelta Delta)>();
        foreach (var (spec, store) in specs)
        {
            await ScalarAsync<object>(db, "CHECKPOINT");
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = await ReadStoreAsync(db, store, agentId, hotUserId);
            var walStart = await ScalarAsync<string>(db, "SELECT pg_current_wal_flush_lsn()::text");
            log.Progress($"phase {phases.Count + 1}/{specs.Length} '{spec.Name}' {spec.Method} {spec.Url.PathAndQuery} started ...");
            var result = await HttpLoad.RunAsync(client, spec, options.Concurrency, options.Warmup, options.Duration, postgres.PostmasterPid);
            var after = await ReadStoreAsync(db, store, agentId, hotUserId);
            var delta = await WalDeltaAsync(db, walStart, after.Used - before.Used);
            phases.Add((result, delta));
            log.Progress($"phase {phases.Count}/{specs.Length} '{spec.Name}' ended: {result.RequestsPerSecond:N0} req/s, p50 {result.P50Us / 1e3:0.00} ms, " +
                $"p99 {result.P99Us / 1e3:0.00} ms, {result.Errors} errors{(result.FirstError is { } e ? $" (first: {e})" : "")}; " +
                $"all 200s {result.AllOk:N0}; stored +{delta.Used:N0}; WAL: {delta.Commits:N0} commits, {delta.RowUpdates:N0} row updates, {delta.WalBytes / (double)Math.Max(1, result.AllOk):0} B per 200");
        }

        // 5. Correctness: what PostgreSQL holds equals the 200 answers (warm-up and tail included), per phase and in all.
        log.Progress("verifying stored usage against the 200 answers ...");
        var storedRandom = await ScalarAsync<long>(db,
            "SELECT coalesce(sum(quota_used), 0)::bigint FROM user_agent_subscriptions WHERE agent_id = $1 AND user_id = ANY($2)", agentId, (object)userIds);
        var storedCluster = await ScalarAsync<long>(db,
            "SELECT coalesce(sum(quota_used), 0)::bigint FROM user_agent_subscriptions WHERE agent_id = $1 AND user_id = ANY($2)", agentId, (object)clusterUserIds);
        var storedHot = await ScalarAsync<long>(db, "SELECT quota_used FROM user_agent_subscriptions WHERE agent_id = $1 AND user_id = $2", agentId, hotUserId);
        var storedTotal = await ScalarAsync<long>(db, "SELECT coalesce(sum(quota_used), 0)::bigint FROM user_agent_subscriptions WHERE agent_id = $1", agentId);
        var subscriptionRows = await ScalarAsync<long>(db, "SELECT count(*) FROM user_agent_subscriptions WHERE agent_id = $1 AND status = 'active'", agentId);
        var baselineRandom = await ScalarAsync<long>(db, $"SELECT coalesce(sum(used), 0)::bigint FROM {ConsumeBaselineServer.Table} WHERE id = ANY($1)", (object)userIds);
        var baselineHot = await ScalarAsync<long>(db, $"SELECT used FROM {ConsumeBaselineServer.Table} WHERE id = $1", hotUserId);
        // The samples above consumed one unit each on the hot rows, before the phases.
        var answeredRandom = phases[4].Result.AllOk;
        var answeredHot = phases[5].Result.AllOk + 1;
        var answeredCluster = phases[6].Result.AllOk;
        var pgAnsweredRandom = phases[1].Result.AllOk + phases[3].Result.AllOk; // (b) and (e) both count in bench_quota
        var pgAnsweredHot = phases[2].Result.AllOk + 1;
        var correct = storedRandom == answeredRandom && storedHot == answeredHot && storedCluster == answeredCluster
            && storedTotal == answeredRandom + answeredHot + answeredCluster
            && baselineRandom == pgAnsweredRandom && baselineHot == pgAnsweredHot && subscriptionRows == allUserIds.Length;
        log.Progress("done; stopping servers");

        // 6. Report.
        string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
        string F(double v, string format = "0.00") => v.ToString(format, CultureInfo.InvariantCulture);
        var bare1 = phases[0].Result;
        var bare2 = phases[7].Result;
        var pgRandom = phases[1].Result;
        var pgHot = phases[2].Result;
        var floor = phases[3].Result;
        var random = phases[4].Result;
        var hot = phases[5].Result;
        var clustered = phases[6].Result;
        var bareMean = (bare1.RequestsPerSecond + bare2.RequestsPerSecond) / 2;
        var randomVsBare = random.RequestsPerSecond / bareMean;
        var randomVsPostgres = random.RequestsPerSecond / pgRandom.RequestsPerSecond;
        var hotVsPostgresHot = hot.RequestsPerSecond / pgHot.RequestsPerSecond;
        var randomVsFloor = random.RequestsPerSecond / floor.RequestsPerSecond;
        var clusterVsEmbedded = clustered.RequestsPerSecond / random.RequestsPerSecond;
        var bareDrift = bare2.RequestsPerSecond / bare1.RequestsPerSecond;

        Console.WriteLine();
        Console.WriteLine("| Phase | Path | Req/s | Errors | Mean ms | p50 ms | p90 ms | p99 ms | Max ms | Body B | Ratio to mean bare |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (p, _) in phases)
        {
            Console.WriteLine(
                $"| {p.Name} | `POST {p.Path}` | {N(p.RequestsPerSecond)} | {p.Errors} | {F(p.MeanUs / 1e3)} | {F(p.P50Us / 1e3)} | {F(p.P90Us / 1e3)} | " +
                $"{F(p.P99Us / 1e3)} | {F(p.MaxUs / 1e3)} | {F(p.BodyBytes, "0")} | {F(p.RequestsPerSecond / bareMean)} |");
        }

        Console.WriteLine();
        Console.WriteLine("CPU over the recorded window: this process (load client and all servers), the PostgreSQL server (postmaster and children, /proc),");
        Console.WriteLine("the machine (/proc/stat; other = machine − process − PostgreSQL: anything else running). WAL over the whole phase (warm-up included):");
        Console.WriteLine("units stored per commit record, row updates (Heap UPDATE/HOT_UPDATE records) and WAL bytes per 200 answer.");
        Console.WriteLine();
        Console.WriteLine("| Phase | CPU µs/req process | PG µs/req | Cores process / PG / other / machine | Alloc B/req | GC gen0/1/2 | GC pause ms | Pool items/req | Lock contentions | Commits | Units per commit | WAL B/req |");
        Console.WriteLine("|---|---:|---:|---|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (p, d) in phases)
        {
            var other = Math.Max(0, p.MachineCoresBusy - p.CoresBusy - p.PostgresCoresBusy);
            Console.WriteLine(
                $"| {p.Name} | {F(p.CpuUsPerRequest, "0.0")} | {F(p.PostgresCoresBusy * 1e6 / Math.Max(1, p.RequestsPerSecond), "0.0")} | " +
                $"{F(p.CoresBusy)} / {F(p.PostgresCoresBusy)} / {F(other)} / {F(p.MachineCoresBusy)} | {N(p.AllocatedBytesPerRequest)} | " +
                $"{p.Gen0Collections}/{p.Gen1Collections}/{p.Gen2Collections} | {F(p.GcPauseMs, "0")} | {F(p.ThreadPoolWorkItemsPerRequest)} | {p.LockContentions} | " +
                $"{N(d.Commits)} | {(d.Commits > 0 && d.Used > 0 ? F(d.Used / (double)d.Commits) : "–")} | {F(d.WalBytes / (double)Math.Max(1, p.AllOk), "0")} |");
        }

        string Verdict(double value, double target) => value >= target ? "met" : "NOT met";
        Console.WriteLine();
        Console.WriteLine($"| Target | Measured | Met |");
        Console.WriteLine("|---|---:|---|");
        Console.WriteLine($"| random ≥ {TargetRandomVsBare}× bare Kestrel (a) | {F(randomVsBare, "0.000")}× ({N(random.RequestsPerSecond)} / {N(bareMean)}) | {Verdict(randomVsBare, TargetRandomVsBare)} |");
        Console.WriteLine($"| random ≥ {TargetRandomVsPostgres}× PG UPDATE random (b) | {F(randomVsPostgres, "0.000")}× ({N(random.RequestsPerSecond)} / {N(pgRandom.RequestsPerSecond)}) | {Verdict(randomVsPostgres, TargetRandomVsPostgres)} |");
        Console.WriteLine($"| hot ≥ {TargetHotVsPostgresHot}× PG UPDATE hot (b) | {F(hotVsPostgresHot, "0.000")}× ({N(hot.RequestsPerSecond)} / {N(pgHot.RequestsPerSecond)}) | {Verdict(hotVsPostgresHot, TargetHotVsPostgresHot)} |");
        Console.WriteLine($"| random ≥ {TargetRandomVsFloor}× the durable floor (e) | {F(randomVsFloor, "0.000")}× ({N(random.RequestsPerSecond)} / {N(floor.RequestsPerSecond)}) | {Verdict(randomVsFloor, TargetRandomVsFloor)} |");
        Console.WriteLine($"| cluster random (f) ≥ {TargetClusterVsEmbedded}× embedded random (c) | {F(clusterVsEmbedded, "0.000")}× ({N(clustered.RequestsPerSecond)} / {N(random.RequestsPerSecond)}) | {Verdict(clusterVsEmbedded, TargetClusterVsEmbedded)} |");
        Console.WriteLine();
        Console.WriteLine(
            $"Correctness: {(correct ? "OK" : "MISMATCH")}. Tollgate: sum(quota_used) random {N(storedRandom)} vs 200 answers {N(answeredRandom)}; hot {N(storedHot)} vs {N(answeredHot)}; " +
            $"cluster {N(storedCluster)} vs {N(answeredCluster)}; all {N(storedTotal)} vs {N(answeredRandom + answeredHot + answeredCluster)} over {subscriptionRows} active subscriptions. " +
            $"Baseline: sum(used) random {N(baselineRandom)} vs {N(pgAnsweredRandom)}; hot {N(baselineHot)} vs {N(pgAnsweredHot)} (each hot count includes the one sample request).");
        Console.WriteLine($"bare drift (2)/(1) = {F(bareDrift, "0.000")}");

        var met = randomVsBare >= TargetRandomVsBare && randomVsPostgres >= TargetRandomVsPostgres && hotVsPostgresHot >= TargetHotVsPostgresHot
            && randomVsFloor >= TargetRandomVsFloor && clusterVsEmbedded >= TargetClusterVsEmbedded;
        var summary = new
        {
            subscriptions = options.Subscriptions,
            fsync,
            phases = phases.Select(x => new
            {
                name = x.Result.Name, path = x.Result.Path, rps = Math.Round(x.Result.RequestsPerSecond), errors = x.Result.Errors,
                p50Ms = Math.Round(x.Result.P50Us / 1e3, 3), p99Ms = Math.Round(x.Result.P99Us / 1e3, 3), cpuUsPerRequest = Math.Round(x.Result.CpuUsPerRequest, 1),
                coresProcess = Math.Round(x.Result.CoresBusy, 2), coresPostgres = Math.Round(x.Result.PostgresCoresBusy, 2), coresMachine = Math.Round(x.Result.MachineCoresBusy, 2),
                commits = x.Delta.Commits, rowUpdates = x.Delta.RowUpdates,
                unitsPerCommit = x.Delta.Commits > 0 && x.Delta.Used > 0 ? Math.Round(x.Delta.Used / (double)x.Delta.Commits, 2) : (double?)null,
                walBytesPerRequest = Math.Round(x.Delta.WalBytes / (double)Math.Max(1, x.Result.AllOk)),
                allOk = x.Result.AllOk,
            }),
            bareMeanRps = Math.Round(bareMean),
            randomVsBare = Math.Round(randomVsBare, 3),
            randomVsPostgres = Math.Round(randomVsPostgres, 3),
            hotVsPostgresHot = Math.Round(hotVsPostgresHot, 3),
            randomVsFloor = Math.Round(randomVsFloor, 3),
            clusterVsEmbedded = Math.Round(clusterVsEmbedded, 3),
            targets = new
            {
                randomVsBare = TargetRandomVsBare, randomVsPostgres = TargetRandomVsPostgres, hotVsPostgresHot = TargetHotVsPostgresHot,
                randomVsFloor = TargetRandomVsFloor, clusterVsEmbedded = TargetClusterVsEmbedded,
            },
            metRandomVsBare = randomVsBare >= TargetRandomVsBare,
            metRandomVsPostgres = randomVsPostgres >= TargetRandomVsPostgres,
            metHotVsPostgresHot = hotVsPostgresHot >= TargetHotVsPostgresHot,
            correct,
            storedQuotaUsed = storedTotal,
            answered200 = answeredRandom + answeredHot + answeredCluster,
            bareDrift = Math.Round(bareDrift, 3),
        };
        await log.WriteSummaryAsync(summary, options.JsonFile);

        return !correct ? 3 : met ? 0 : 1;
    }

    /// <summary>A <c>customer.subscription.created</c> event as Stripe sends it, from the one builder of these payloads.</summary>
    private static string SubscriptionCreated(string eventId, long created, string userId, string agentId, string priceId, string subscriptionId, long periodStart, long periodEnd) =>
        Tollgate.LoadTest.Seeding.StripeSubscriptionEvent.Json(
            eventId, "customer.subscription.created", created, userId, agentId, priceId, "active", periodStart, periodEnd, subscriptionId, "cus_bench");

    private static async Task<string> SampleAsync(HttpClient client, Uri url, byte[] body, KeyValuePair<string, string>[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.OK ? text : throw new InvalidOperationException($"POST {url.PathAndQuery} answered {(int)response.StatusCode}: {text}");
    }

    private enum Store
    {
        None,
        BaselineRandom,
        BaselineHot,
        TollgateRandom,
        TollgateHot,
        ClusterRandom,
    }

    /// <summary>Units stored in the phase's rows.</summary>
    private sealed record StoreCounters(long Used);

    /// <summary>Units stored over a phase, and what PostgreSQL logged meanwhile: commit records, row updates, WAL bytes.</summary>
    private sealed record StoreDelta(long Used, long Commits, long RowUpdates, long WalBytes);

    /// <summary>The WAL from <paramref name="startLsn"/> to the flushed end, read back with pg_walinspect.</summary>
    private static async Task<StoreDelta> WalDeltaAsync(NpgsqlDataSource db, string startLsn, long used)
    {
        var end = await ScalarAsync<string>(db, "SELECT pg_current_wal_flush_lsn()::text");
        if (await ScalarAsync<decimal>(db, "SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)", end, startLsn) <= 0)
        {
            return new StoreDelta(used, 0, 0, 0); // pg_walinspect refuses an empty range
        }

        await using var command = db.CreateCommand(
            "SELECT coalesce(sum(count) FILTER (WHERE \"resource_manager/record_type\" = 'Transaction/COMMIT'), 0)::bigint, " +
            "coalesce(sum(count) FILTER (WHERE \"resource_manager/record_type\" IN ('Heap/UPDATE', 'Heap/HOT_UPDATE')), 0)::bigint, " +
            "pg_wal_lsn_diff($2::pg_lsn, $1::pg_lsn)::bigint FROM pg_get_wal_stats($1::pg_lsn, $2::pg_lsn, true)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = startLsn });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = end });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new StoreDelta(used, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static async Task<StoreCounters> ReadStoreAsync(NpgsqlDataSource db, Store store, string agentId, string hotUserId)
    {
        var (sql, hot) = store switch
        {
            Store.BaselineRandom => ($"SELECT coalesce(sum(used), 0)::bigint FROM {ConsumeBaselineServer.Table} WHERE id <> $2 AND id NOT LIKE '%-cl-%' AND $1 <> ''", hotUserId),
            Store.BaselineHot => ($"SELECT used FROM {ConsumeBaselineServer.Table} WHERE id = $2 AND $1 <> ''", hotUserId),
            Store.TollgateRandom => ("SELECT coalesce(sum(quota_used), 0)::bigint FROM user_agent_subscriptions WHERE agent_id = $1 AND user_id <> $2 AND user_id NOT LIKE '%-cl-%'", hotUserId),
            Store.ClusterRandom => ("SELECT coalesce(sum(quota_used), 0)::bigint FROM user_agent_subscriptions WHERE agent_id = $1 AND user_id <> $2 AND user_id LIKE '%-cl-%'", hotUserId),
            Store.TollgateHot => ("SELECT quota_used FROM user_agent_subscriptions WHERE agent_id = $1 AND user_id = $2", hotUserId),
            _ => (null, hotUserId),
        };
        if (sql is null)
        {
            return new StoreCounters(0);
        }

        await using var command = db.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agentId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = hot });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new StoreCounters(reader.GetInt64(0));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql, params object[] parameters)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
