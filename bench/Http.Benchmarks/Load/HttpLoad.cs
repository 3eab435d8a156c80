using System.Diagnostics;

namespace Tollgate.Http.Benchmarks.Load;

/// <summary>What a phase requests and what counts as a good answer.</summary>
/// <param name="Name">Shown in the tables.</param>
/// <param name="Url">The absolute URL of every request.</param>
/// <param name="AuthorizationValues">Authorization header values taken round-robin (one per request), or none.</param>
/// <param name="NullBody">True: a good answer's body is JSON <c>null</c>; false: it must not be; null: not checked.</param>
public sealed record PhaseSpec(string Name, Uri Url, string[]? AuthorizationValues = null, bool? NullBody = null);

/// <summary>
/// Closed-loop HTTP load: <c>concurrency</c> loops, each sending one GET and reading the whole answer before the
/// next, for warm-up + duration. A request counts when it completes inside the recorded window (after the
/// warm-up); only a 200 with the expected body counts as done, anything else (status, body, exception) as an error.
/// </summary>
public static class HttpLoad
{
    private static readonly byte[] JsonNull = "null"u8.ToArray();

    public static async Task<PhaseResult> RunAsync(HttpClient client, PhaseSpec spec, int concurrency, TimeSpan warmup, TimeSpan duration)
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
        var before = ProcessCounters.Take();
        await Task.Delay(duration);
        var after = ProcessCounters.Take();
        var states = await Task.WhenAll(loops);

        var histogram = new LatencyHistogram();
        long ok = 0, errors = 0, bytes = 0;
        foreach (var state in states)
        {
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
            after.LockContentions - before.LockContentions);
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
                using var request = new HttpRequestMessage(HttpMethod.Get, spec.Url);
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
    }
}
