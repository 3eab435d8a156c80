using System.Diagnostics;
using Tollgate.Bench;

namespace Tollgate.Http.Benchmarks.Load;

/// <summary>What a phase requests and what counts as a good answer.</summary>
/// <param name="Name">Shown in the tables.</param>
/// <param name="Url">The absolute URL of every request.</param>
/// <param name="AuthorizationValues">Authorization header values taken round-robin (one per request), or none.</param>
/// <param name="NullBody">True: a good answer's body is JSON <c>null</c>; false: it must not be; null: not checked.</param>
/// <param name="JsonBodies">Set: each request is a POST of one of these JSON bodies, picked at random (uniformly) per request.</param>
/// <param name="Headers">Extra request headers (e.g. <c>x-api-key</c>), on every request.</param>
public sealed record PhaseSpec(string Name, Uri Url, string[]? AuthorizationValues = null, bool? NullBody = null, byte[][]? JsonBodies = null,
    IReadOnlyList<KeyValuePair<string, string>>? Headers = null)
{
    public string Method => JsonBodies is null ? "GET" : "POST";
}

/// <summary>
/// Closed-loop HTTP load: <c>concurrency</c> loops, each sending one GET (or POST) and reading the whole answer before
/// the next, for warm-up + duration. A request counts when it completes inside the recorded window (after the
/// warm-up); only a 200 with the expected body counts as done, anything else (status, body, exception) as an error.
/// Every 200 of the phase, warm-up and the requests still in flight at the end included, is counted apart
/// (<see cref="PhaseResult.AllOk"/>), for checking what a server stored against what it answered.
/// </summary>
public static class HttpLoad
{
    private static readonly byte[] JsonNull = "null"u8.ToArray();

    /// <summary>Runs one phase; a <c>postgresPid</c> (the PostgreSQL postmaster) adds its server's CPU over the window (<see cref="PhaseResult.PostgresCoresBusy"/>).</summary>
    public static async Task<PhaseResult> RunAsync(HttpClient client, PhaseSpec spec, int concurrency, TimeSpan warmup, TimeSpan duration, int? postgresPid = null)
    {
        var begin = Stopwatch.GetTimestamp();
        var windowStart = begin + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var windowEnd = windowStart + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var shared = new Shared(spec, windowStart, windowEnd);

        var loops = new Task<LoopState>[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            loops[i] = Task.Run(() => LoopAsync(client, shared));
        }

        await Task.Delay(warmup);
        var postgresBefore = postgresPid is { } p1 ? ProcessTreeCpu.Seconds(p1) : 0;
        var before = ProcessCounters.Take();
        await Task.Delay(duration);
        var after = ProcessCounters.Take();
        var postgresAfter = postgresPid is { } p2 ? ProcessTreeCpu.Seconds(p2) : 0;
        var states = await Task.WhenAll(loops);

        var histogram = new LatencyHistogram();
        long ok = 0, errors = 0, bytes = 0, allOk = 0;
        foreach (var state in states)
        {
            allOk += state.AllOk;
            histogram.Add(state.Histogram);
            ok += state.Ok;
            errors += state.Errors;
            bytes += state.Bytes;
        }

        var seconds = duration.TotalSeconds;
        var wall = (after.Timestamp - before.Timestamp) / (double)Stopwatch.Frequency;
        var cpu = (after.Cpu - before.Cpu).TotalMicroseconds;
        var perRequest = Math.Max(1, ok + errors);
        return new PhaseResult(
            spec.Name,
            spec.Url.PathAndQuery,
            concurrency,
            seconds,
            ok,
            errors,
            shared.FirstError,
            ok / seconds,
            histogram.MeanMicroseconds,
            histogram.PercentileMicroseconds(0.50),
            histogram.PercentileMicroseconds(0.90),
            histogram.PercentileMicroseconds(0.99),
            histogram.MaxMicroseconds,
            ok == 0 ? 0 : bytes / (double)ok,
            cpu / perRequest,
            cpu / 1e6 / wall,
            after.Machine.CoresSince(before.Machine).Busy,
            (after.AllocatedBytes - before.AllocatedBytes) / (double)perRequest,
            after.Gen0 - before.Gen0,
            after.Gen1 - before.Gen1,
            after.Gen2 - before.Gen2,
            (after.GcPause - before.GcPause).TotalMilliseconds,
            (after.ThreadPoolWorkItems - before.ThreadPoolWorkItems) / (double)perRequest,
            after.LockContentions - before.LockContentions,
            allOk,
            (postgresAfter - postgresBefore) / wall);
    }

    private static async Task<LoopState> LoopAsync(HttpClient client, Shared shared)
    {
        var state = new LoopState();
        var buffer = new byte[16 * 1024];
        var spec = shared.Spec;
        while (true)
        {
            var start = Stopwatch.GetTimestamp();
            if (start >= shared.WindowEnd)
            {
                return state;
            }

            string? error = null;
            var length = 0;
            try
            {
                using var request = new HttpRequestMessage(spec.JsonBodies is null ? HttpMethod.Get : HttpMethod.Post, spec.Url);
                if (spec.JsonBodies is { Length: > 0 } bodies)
                {
                    var content = new ByteArrayContent(bodies[bodies.Length == 1 ? 0 : Random.Shared.Next(bodies.Length)]);
                    content.Headers.ContentType = new("application/json");
                    request.Content = content;
                }

                if (spec.Headers is { } headers)
                {
                    foreach (var (name, value) in headers)
                    {
                        request.Headers.TryAddWithoutValidation(name, value);
                    }
                }

                if (spec.AuthorizationValues is { Length: > 0 } values)
                {
                    var next = (uint)Interlocked.Increment(ref shared.Next);
                    request.Headers.TryAddWithoutValidation("Authorization", values[next % (uint)values.Length]);
                }

                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                await using (var body = await response.Content.ReadAsStreamAsync())
                {
                    int read;
                    while ((read = await body.ReadAsync(buffer.AsMemory(length))) > 0)
                    {
                        length += read;
                        if (length == buffer.Length)
                        {
                            Array.Resize(ref buffer, buffer.Length * 2);
                        }
                    }
                }

                if (response.StatusCode != System.Net.HttpStatusCode.OK)
                {
                    error = $"HTTP {(int)response.StatusCode}";
                }
                else if (spec.NullBody is { } expectNull && buffer.AsSpan(0, length).Trim(" \r\n"u8).SequenceEqual(JsonNull) != expectNull)
                {
                    error = expectNull ? "a session where none was expected" : "JSON null instead of a session";
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException or TaskCanceledException)
            {
                error = $"{exception.GetType().Name}: {exception.Message}";
            }

            var done = Stopwatch.GetTimestamp();
            if (error is null)
            {
                state.AllOk++;
            }

            if (done < shared.WindowStart || done >= shared.WindowEnd)
            {
                continue;
            }

            if (error is null)
            {
                state.Ok++;
                state.Bytes += length;
                state.Histogram.Record(done - start);
            }
            else
            {
                state.Errors++;
                Interlocked.CompareExchange(ref shared.FirstError, error, null);
            }
        }
    }

    private sealed class Shared(PhaseSpec spec, long windowStart, long windowEnd)
    {
        public readonly PhaseSpec Spec = spec;
        public readonly long WindowStart = windowStart;
        public readonly long WindowEnd = windowEnd;
        public long Next;
        public string? FirstError;
    }

    private sealed class LoopState
    {
        public readonly LatencyHistogram Histogram = new();
        public long Ok;
        public long Errors;
        public long Bytes;
        public long AllOk;
    }
}
