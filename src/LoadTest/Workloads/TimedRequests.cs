using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Tollgate.LoadTest.Http;
using Tollgate.LoadTest.Metrics;

namespace Tollgate.LoadTest.Workloads;

/// <summary>The background actors' requests: JSON, spread over the targets, each recorded under its operation.</summary>
public sealed class TimedRequests(LoadHttp http, Recorder recorder)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>
    /// Sends one request and records it; when <paramref name="expected"/> is given and answered, that status counts as
    /// a success (a 403 the audit expects is not an error). Null when the run gave it up.
    /// </summary>
    public async Task<Attempt?> SendAsync(Operation operation, HttpMethod method, string path, byte[]? json, string? bearer, BodyBuffer body,
        CancellationToken cancellationToken, int? expected = null, IReadOnlyList<KeyValuePair<string, string>>? headers = null,
        Action<HttpResponseMessage>? answerHeaders = null)
    {
        var target = http.Targets[Random.Shared.Next(http.Targets.Count)];
        using var request = new HttpRequestMessage(method, new Uri(target, path));
        if (json is not null)
        {
            request.Content = new ByteArrayContent(json) { Headers = { ContentType = Json } };
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            var attempt = await http.SendAsync(request, body, Stopwatch.GetTimestamp(), cancellationToken, answerHeaders);
            recorder.Record(operation, attempt.Status == expected ? attempt with { Status = 200 } : attempt);
            return attempt;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public static byte[] Body(object value) => JsonSerializer.SerializeToUtf8Bytes(value);
}
