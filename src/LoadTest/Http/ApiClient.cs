using System.Net.Http.Headers;
using System.Text.Json;

namespace Tollgate.LoadTest.Http;

/// <summary>
/// The setup calls (seeding, admin actions): JSON in and out, spread over the targets, retried while the outcome is
/// unknown (5xx, connection errors) and while rate limited (429 with <c>Retry-After</c>).
/// </summary>
public sealed class ApiClient(LoadHttp http, Action<string> onRateLimited)
{
    private const int MaxAttempts = 6;
    private static readonly TimeSpan MaxRateLimitWait = TimeSpan.FromMinutes(10);
    private uint _next;

    public Task<ApiAnswer> PostAsync(string path, object? body, string? bearer = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, path, body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body), bearer, null, cancellationToken);

    public Task<ApiAnswer> PutAsync(string path, object body, string? bearer, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, path, JsonSerializer.SerializeToUtf8Bytes(body), bearer, null, cancellationToken);

    public Task<ApiAnswer> GetAsync(string path, string? bearer, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, path, null, bearer, null, cancellationToken);

    /// <summary>The answer's JSON when it is a 200; otherwise a <see cref="SetupException"/> that says what was being done.</summary>
    public static JsonElement Require(ApiAnswer answer, string purpose) =>
        answer.Status == 200 ? answer.Json : throw new SetupException($"{purpose}: the cluster answered {answer.Describe()}");

    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, byte[]? json, string? bearer,
        IReadOnlyList<KeyValuePair<string, string>>? headers, CancellationToken cancellationToken)
    {
        var rateLimitedUntil = DateTime.UtcNow + MaxRateLimitWait;
        for (var attempt = 1; ; attempt++)
        {
            var target = http.Targets[(int)(Interlocked.Increment(ref _next) % (uint)http.Targets.Count)];
            using var request = new HttpRequestMessage(method, new Uri(target, path));
            if (json is not null)
            {
                request.Content = new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
            }

            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            foreach (var (name, value) in headers ?? [])
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            ApiAnswer? answer = null;
            string? failure = null;
            try
            {
                using var response = await http.Client.SendAsync(request, cancellationToken);
                answer = new ApiAnswer((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken),
                    response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.FirstOrDefault() : null,
                    response.Headers.RetryAfter?.Delta);
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException
                || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                failure = exception is OperationCanceledException ? "no answer within the timeout" : exception.Message;
            }

            if (answer is { Status: 429 } limited && DateTime.UtcNow < rateLimitedUntil)
            {
                onRateLimited($"{method} {path} is rate limited ({limited.Describe()})");
                await Task.Delay(Clamp(limited.RetryAfter ?? TimeSpan.FromSeconds(1)), cancellationToken);
                attempt--;
                continue;
            }

            if (answer is { Status: < 500 } || attempt >= MaxAttempts)
            {
                return answer ?? throw new SetupException($"cannot reach {target}: {failure}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100 << attempt), cancellationToken);
        }
    }

    private static TimeSpan Clamp(TimeSpan wait) => wait < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : wait > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : wait;
}
