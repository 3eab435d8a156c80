using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>Calls the auth API the way a client following api.md does; bearer tokens, fresh emails per call.</summary>
internal sealed class AuthTestClient(HttpClient http)
{
    public const string Password = "correct-horse-battery";

    public HttpClient Http => http;

    public static string NewEmail(string prefix = "u") => $"{prefix}-{Guid.NewGuid():N}@example.com";

    /// <summary>Signs up a new user; returns its token and user id.</summary>
    public async Task<SignedIn> SignUpAsync(string? email = null, string password = Password)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/sign-up/email", new { name = "Test User", email = email ?? NewEmail(), password });
        var body = await Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"sign-up: {(int)response.StatusCode} {body}");
        return new SignedIn(body.GetProperty("token").GetString()!, body.GetProperty("user").GetProperty("id").GetString()!, body);
    }

    /// <summary>A session of the bootstrap admin (<see cref="TollgateApiFactory.AdminEmail"/>), signing it up the first time.</summary>
    public async Task<SignedIn> AdminAsync()
    {
        using var response = await http.PostAsJsonAsync("/api/auth/sign-in/email", new { email = TollgateApiFactory.AdminEmail, password = Password });
        return response.StatusCode == HttpStatusCode.OK
            ? await SignInAsync(TollgateApiFactory.AdminEmail)
            : await SignUpAsync(TollgateApiFactory.AdminEmail);
    }

    public async Task<SignedIn> SignInAsync(string email, string password = Password)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/sign-in/email", new { email, password });
        var body = await Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"sign-in: {(int)response.StatusCode} {body}");
        return new SignedIn(body.GetProperty("token").GetString()!, body.GetProperty("user").GetProperty("id").GetString()!, body);
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? token) => SendAsync(HttpMethod.Get, path, token, null);

    public Task<HttpResponseMessage> PostAsync(string path, string? token, object? body = null) => SendAsync(HttpMethod.Post, path, token, body);

    /// <summary>Sends with an API key in <c>x-api-key</c>.</summary>
    public async Task<HttpResponseMessage> SendWithKeyAsync(HttpMethod method, string path, string key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-api-key", key);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await http.SendAsync(request);
    }

    /// <summary>Creates an organization as the session <paramref name="token"/>; returns its id.</summary>
    public async Task<string> CreateOrganizationAsync(string token, string? slug = null)
    {
        using var response = await PostAsync("/api/auth/organization/create", token, new { name = "Org", slug = slug ?? "org-" + Guid.NewGuid().ToString("N")[..12] });
        var body = await Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"organization/create: {(int)response.StatusCode} {body}");
        return body.GetProperty("id").GetString()!;
    }

    /// <summary>Creates an API key as the session <paramref name="token"/>; returns the secret and the id.</summary>
    public async Task<(string Key, string Id)> CreateApiKeyAsync(string token, object body)
    {
        using var response = await PostAsync("/api/auth/api-key/create", token, body);
        var json = await Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"api-key/create: {(int)response.StatusCode} {json}");
        return (json.GetProperty("key").GetString()!, json.GetProperty("id").GetString()!);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await http.SendAsync(request);
    }

    /// <summary>get-session's answer: the document, or null when the server says JSON null.</summary>
    public async Task<JsonElement?> SessionAsync(string token)
    {
        using var response = await GetAsync("/api/auth/get-session", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        Assert.True(body.ValueKind is JsonValueKind.Null or JsonValueKind.Object, $"get-session answers an object or null, not '{body}'");
        return body.ValueKind == JsonValueKind.Null ? null : body;
    }

    public static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    internal sealed record SignedIn(string Token, string UserId, JsonElement Body);
}
