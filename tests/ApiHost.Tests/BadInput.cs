using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>
/// What the bad-input test classes (<see cref="BadInputTests"/>, <see cref="OrganizationBadInputTests"/>,
/// <see cref="BillingBadInputTests"/>) share: the hostile bodies they send, how they send them, how they check the
/// problem+json that comes back, and the "nothing changed" check around a refused request.
/// </summary>
internal static class BadInput
{
    public const string SqlOr = "' OR 1=1 --";

    /// <summary>Bodies that carry no fields: refused naming every required one.</summary>
    public static readonly string[] EmptyBodies = ["", "{}", "null"];

    /// <summary>Four ways of not being JSON around one string <paramref name="field"/>: truncated, not JSON, a trailing comma, single quotes.</summary>
    public static string[] MalformedJson(string field) =>
        [$"{{\"{field}\": ", "not json", $"{{\"{field}\":\"x\",}}", $"{{'{field}':'x'}}"];

    public static string Json(object value) => JsonSerializer.Serialize(value);

    /// <summary>The fields a VALIDATION_FAILED problem names in <c>details.errors</c> (none if it has none).</summary>
    public static IEnumerable<string> FieldErrors(JsonElement problem) =>
        problem.GetProperty("details").TryGetProperty("errors", out var errors)
            ? errors.EnumerateObject().Select(e => e.Name).ToList()
            : [];

    /// <summary>The permissions a FORBIDDEN problem names in <c>details.required</c>.</summary>
    public static string[] Required(JsonElement problem) =>
        [.. problem.GetProperty("details").GetProperty("required").EnumerateArray().Select(p => p.GetString()!)];

    /// <summary>Asserts the documented problem: the status, problem+json, the code, a numeric status and an object of details.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? scenario = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{scenario}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.True(code == problem.GetProperty("code").GetString(), $"{scenario}: expected {code}: {text}");
        Assert.Equal(JsonValueKind.Number, problem.GetProperty("status").ValueKind);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.Object, problem.GetProperty("details").ValueKind);
        return problem;
    }

    /// <summary>
    /// Takes a snapshot, sends, asserts the problem, and asserts a second snapshot equals the first: the request was
    /// refused and changed nothing.
    /// </summary>
    public static async Task<JsonElement> AssertRefusedAndUnchangedAsync<TState>(
        Func<Task<TState>> snapshot, Func<Task<HttpResponseMessage>> send, HttpStatusCode status, string code, string? scenario = null)
    {
        var before = await snapshot();

        using var response = await send();

        var problem = await AssertProblemAsync(response, status, code, scenario);
        Assert.Equal(before, await snapshot());
        return problem;
    }

    /// <summary>
    /// Sends exactly what it is given: a body as is (no JSON encoding) with its content type, a bearer token and an
    /// <c>x-api-key</c> only when given, and any other headers unvalidated.
    /// </summary>
    public static async Task<HttpResponseMessage> SendRawAsync(
        this HttpClient http, HttpMethod method, string path, string? bearer, string? body, string contentType = "application/json",
        string? apiKey = null, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation("x-api-key", apiKey);
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        return await http.SendAsync(request);
    }

    public static TheoryData<T> Cases<T>(IEnumerable<T> rows)
    {
        var data = new TheoryData<T>();
        foreach (var row in rows)
        {
            data.Add(row);
        }

        return data;
    }

    public static TheoryData<T1, T2> Cases<T1, T2>(IEnumerable<(T1, T2)> rows)
    {
        var data = new TheoryData<T1, T2>();
        foreach (var (a, b) in rows)
        {
            data.Add(a, b);
        }

        return data;
    }

    public static TheoryData<T1, T2, T3> Cases<T1, T2, T3>(IEnumerable<(T1, T2, T3)> rows)
    {
        var data = new TheoryData<T1, T2, T3>();
        foreach (var (a, b, c) in rows)
        {
            data.Add(a, b, c);
        }

        return data;
    }

    public static TheoryData<T1, T2, T3, T4> Cases<T1, T2, T3, T4>(IEnumerable<(T1, T2, T3, T4)> rows)
    {
        var data = new TheoryData<T1, T2, T3, T4>();
        foreach (var (a, b, c, d) in rows)
        {
            data.Add(a, b, c, d);
        }

        return data;
    }
}

/// <summary>
/// One host for a whole bad-input class (its tests still isolate by fresh users): the real ApiHost over the shared
/// PostgreSQL with <paramref name="settings"/>, a client that keeps no cookies (every request carries only what it
/// says), and a session of the platform admin once <see cref="EnsureAdminAsync"/> made one.
/// </summary>
public abstract class BadInputApi(IReadOnlyDictionary<string, string?>? settings = null) : IAsyncLifetime
{
    private TollgateApiFactory? _factory;
    private HttpClient? _http;

    /// <summary>A session of the platform admin, made by the first scene.</summary>
    public string AdminToken { get; private set; } = "";

    public HttpClient Http(string connectionString)
    {
        if (_http is null)
        {
            _factory = new TollgateApiFactory(connectionString, settings);
            _http = _factory.CreateBareClient();
        }

        return _http;
    }

    public async Task EnsureAdminAsync(string connectionString)
    {
        if (AdminToken.Length == 0)
        {
            AdminToken = (await new AuthTestClient(Http(connectionString)).AdminAsync()).Token;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}
