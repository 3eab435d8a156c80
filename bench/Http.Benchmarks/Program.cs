using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Tollgate.ApiHost.Identity;
using Tollgate.Bench;
using Tollgate.Http.Benchmarks.Hosting;
using Tollgate.Http.Benchmarks.Load;

namespace Tollgate.Http.Benchmarks;

/// <summary>get-session through the full HTTP stack next to a bare Kestrel endpoint, and the cost of a sign-in (the default scenario), <c>--scenario consume</c> (<see cref="ConsumeBenchmark"/>) or <c>--scenario session-memory</c> (<see cref="SessionMemoryBenchmark"/>); see bench/RESULTS.md. (Not top-level statements: the ApiHost's <c>Program</c> is the host's own.)</summary>
public static class HttpBenchmark
{
    public static async Task<int> Main(string[] args)
    {
        if (BenchOptions.Parse(args, Console.Error) is not { } options)
        {
            return 2;
        }

        if (options.Scenario == BenchOptions.ConsumeScenario)
        {
            return await ConsumeBenchmark.RunAsync(options);
        }

        if (options.Scenario == BenchOptions.SessionMemoryScenario)
        {
            return await SessionMemoryBenchmark.RunAsync(options);
        }

        const double TargetRatio = 0.6;
        const int DefaultIterations = 600_000;
        var log = RunLog.Start(options);

        log.Progress("starting PostgreSQL ...");
        await using var postgres = await BenchPostgres.StartAsync(ApiHostFactory.PostgresFolderPrefix, options.Fsync ?? false);
        await using var api = ApiHostFactory.StartOnFreePort(postgres.ConnectionString, log.Progress);
        var apiBase = api.BaseAddress;

        using var client = LoadClient.Create();

        // 1. Users, signed up two at a time (each hash is 600,000 PBKDF2 iterations on one core).
        log.Progress($"signing up {options.Users} users ...");
        var runId = Guid.NewGuid().ToString("N")[..8];
        var users = new (string Email, string Password, string Token)[options.Users];
        var signUpClock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Users), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (i, ct) =>
        {
            var email = $"bench-{runId}-{i:000}@example.com";
            var password = $"Bench-password-{runId}-{i:000}";
            using var response = await client.PostAsJsonAsync(new Uri(apiBase, "/api/auth/sign-up/email"), new { name = $"Bench User {i:000}", email, password }, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"Sign-up {i} answered {(int)response.StatusCode}: {body}");
            }

            users[i] = (email, password, JsonSerializer.Deserialize<SignUpResponse>(body, JsonSerializerOptions.Web)!.Token);
        });
        signUpClock.Stop();
        log.Progress($"signed up {options.Users} users in {signUpClock.Elapsed.TotalSeconds:0.0} s");

        // 2. The bare endpoint answers the same object a get-session answers (deserialised from a real one).
        using var sample = new HttpRequestMessage(HttpMethod.Get, new Uri(apiBase, "/api/auth/get-session"));
        sample.Headers.TryAddWithoutValidation("Authorization", "Bearer " + users[0].Token);
        using var sampleResponse = await client.SendAsync(sample);
        var sessionJson = await sampleResponse.Content.ReadAsStringAsync();
        if (sampleResponse.StatusCode != HttpStatusCode.OK || JsonSerializer.Deserialize<SessionEnvelope>(sessionJson, JsonSerializerOptions.Web) is not { } envelope)
        {
            throw new InvalidOperationException($"get-session answered {(int)sampleResponse.StatusCode}: {sessionJson}");
        }

        await using var bare = await BareServer.StartAsync(FreePort.Next(), envelope);
        var bareBase = new Uri($"http://127.0.0.1:{bare.Port}");
        var bareJson = await client.GetStringAsync(new Uri(bareBase, "/bare"));
        log.Progress($"bare Kestrel listening on {bareBase}; answer sizes: get-session {sessionJson.Length} B, bare {bareJson.Length} B");

        // 3. Load phases: bare, get-session, bare again (drift), then two ApiHost routes without a grain call (where the time goes).
        var bearer = users.Select(u => "Bearer " + u.Token).ToArray();
        PhaseSpec[] specs =
        [
            new("bare Kestrel (1)", new Uri(bareBase, "/bare")),
            new("get-session (Bearer)", new Uri(apiBase, "/api/auth/get-session"), bearer, NullBody: false),
            new("bare Kestrel (2)", new Uri(bareBase, "/bare")),
            new("ApiHost /healthz (no grain call)", new Uri(apiBase, "/healthz")),
            new("get-session, no credential (no grain call)", new Uri(apiBase, "/api/auth/get-session"), null, NullBody: true),
        ];
        var phases = new List<PhaseResult>();
        foreach (var spec in specs)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            log.Progress($"phase {phases.Count + 1}/{specs.Length} '{spec.Name}' GET {spec.Url.PathAndQuery} started ...");
            var result = await HttpLoad.RunAsync(client, spec, options.Concurrency, options.Warmup, options.Duration);
            phases.Add(result);
            log.Progress($"phase {phases.Count}/{specs.Length} '{spec.Name}' ended: {result.RequestsPerSecond:N0} req/s, p50 {result.P50Us / 1e3:0.00} ms, " +
                $"p99 {result.P99Us / 1e3:0.00} ms, {result.Errors} errors{(result.FirstError is { } e ? $" (first: {e})" : "")}");
        }

        // 4. Sign-in cost, one at a time, with the default iterations; then the bare PBKDF2 for reference.
        log.Progress($"timing {options.SignIns} sequential sign-ins ...");
        var signIns = new List<double>();
        for (var i = 0; i < options.SignIns; i++)
        {
            var user = users[i % users.Length];
            var started = Stopwatch.GetTimestamp();
            using var response = await client.PostAsJsonAsync(new Uri(apiBase, "/api/auth/sign-in/email"), new { email = user.Email, password = user.Password });
            var body = await response.Content.ReadAsStringAsync();
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"Sign-in {i} answered {(int)response.StatusCode}: {body}");
            }

            signIns.Add(elapsed);
        }

        log.Progress($"timing Rfc2898DeriveBytes.Pbkdf2 (SHA-256, {DefaultIterations:N0} iterations) x {options.SignIns} ...");
        var pbkdf2 = new List<double>();
        var salt = RandomNumberGenerator.GetBytes(16);
        for (var i = 0; i < options.SignIns; i++)
        {
            var started = Stopwatch.GetTimestamp();
            _ = Rfc2898DeriveBytes.Pbkdf2("Bench-password-" + i, salt, DefaultIterations, HashAlgorithmName.SHA256, 32);
            pbkdf2.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        log.Progress("done; stopping servers");

        // 5. Report.
        var bareMean = (phases[0].RequestsPerSecond + phases[2].RequestsPerSecond) / 2;
        var ratio = phases[1].RequestsPerSecond / bareMean;
        var bareDrift = phases[2].RequestsPerSecond / phases[0].RequestsPerSecond;
        string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
        string F(double v, string format = "0.00") => v.ToString(format, CultureInfo.InvariantCulture);

        Console.WriteLine();
        Console.WriteLine($"| Phase | Path | Req/s | Errors | Mean ms | p50 ms | p90 ms | p99 ms | Max ms | Body B | Ratio to mean bare |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in phases)
        {
            Console.WriteLine(
                $"| {p.Name} | `{p.Path}` | {N(p.RequestsPerSecond)} | {p.Errors} | {F(p.MeanUs / 1e3)} | {F(p.P50Us / 1e3)} | {F(p.P90Us / 1e3)} | " +
                $"{F(p.P99Us / 1e3)} | {F(p.MaxUs / 1e3)} | {F(p.BodyBytes, "0")} | {F(p.RequestsPerSecond / bareMean)} |");
        }

        Console.WriteLine();
        Console.WriteLine("Process-wide (load client and both servers together); machine = /proc/stat, includes PostgreSQL:");
        Console.WriteLine();
        Console.WriteLine("| Phase | CPU µs/req | Cores busy process / machine | Alloc B/req | GC gen0/1/2 | GC pause ms | Pool items/req | Lock contentions |");
        Console.WriteLine("|---|---:|---:|---:|---|---:|---:|---:|");
        foreach (var p in phases)
        {
            Console.WriteLine(
                $"| {p.Name} | {F(p.CpuUsPerRequest, "0.0")} | {F(p.CoresBusy)} / {F(p.MachineCoresBusy)} | {N(p.AllocatedBytesPerRequest)} | " +
                $"{p.Gen0Collections}/{p.Gen1Collections}/{p.Gen2Collections} | {F(p.GcPauseMs, "0")} | {F(p.ThreadPoolWorkItemsPerRequest)} | {p.LockContentions} |");
        }

        double Median(List<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var signInMedian = Median(signIns);
        var pbkdf2Median = Median(pbkdf2);
        Console.WriteLine();
        Console.WriteLine("| Cost | Median ms | Min ms | Max ms | n |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine($"| POST /api/auth/sign-in/email ({DefaultIterations:N0} iterations), sequential | {F(signInMedian, "0.0")} | {F(signIns.Min(), "0.0")} | {F(signIns.Max(), "0.0")} | {signIns.Count} |");
        Console.WriteLine($"| Rfc2898DeriveBytes.Pbkdf2 SHA-256 {DefaultIterations:N0} iterations | {F(pbkdf2Median, "0.0")} | {F(pbkdf2.Min(), "0.0")} | {F(pbkdf2.Max(), "0.0")} | {pbkdf2.Count} |");
        Console.WriteLine($"| sign-up, {options.Users} users two at a time (wall per user) | {F(signUpClock.Elapsed.TotalMilliseconds / options.Users, "0.0")} | | | {options.Users} |");

        var met = ratio >= TargetRatio;
        Console.WriteLine();
        Console.WriteLine(
            $"get-session {N(phases[1].RequestsPerSecond)} req/s / mean bare {N(bareMean)} req/s = {F(ratio, "0.000")} (target ≥ {TargetRatio}: {(met ? "met" : "NOT met")}); " +
            $"bare drift (2)/(1) = {F(bareDrift, "0.000")}; sign-in median {F(signInMedian, "0.0")} ms (PBKDF2 alone {F(pbkdf2Median, "0.0")} ms)");

        var summary = new
        {
            phases = phases.Select(p => new { name = p.Name, path = p.Path, rps = Math.Round(p.RequestsPerSecond), errors = p.Errors, p50Ms = Math.Round(p.P50Us / 1e3, 3), p99Ms = Math.Round(p.P99Us / 1e3, 3), cpuUsPerRequest = Math.Round(p.CpuUsPerRequest, 1), allocBytesPerRequest = Math.Round(p.AllocatedBytesPerRequest) }),
            bareMeanRps = Math.Round(bareMean),
            getSessionRps = Math.Round(phases[1].RequestsPerSecond),
            ratio = Math.Round(ratio, 3),
            target = TargetRatio,
            met,
            bareDrift = Math.Round(bareDrift, 3),
            signInMedianMs = Math.Round(signInMedian, 1),
            pbkdf2MedianMs = Math.Round(pbkdf2Median, 1),
            pbkdf2Iterations = DefaultIterations,
        };
        await log.WriteSummaryAsync(summary, options.JsonFile);

        return met ? 0 : 1;
    }
}
