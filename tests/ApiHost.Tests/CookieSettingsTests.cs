using System.Net;
using System.Net.Http.Json;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>
/// Issue 16: session cookies that arrive. <c>Auth:CookieSameSite</c> and <c>Auth:CookieDomain</c> as the browser sees
/// them in <c>Set-Cookie</c> (sign-up and sign-out), and the settings a browser would defeat refused at start-up.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CookieSettingsTests(Testing.PostgresFixture postgres)
{
    [Theory]
    [InlineData("http://localhost:3000", null, null, "better-auth.session_token", "samesite=lax", false, null)]
    [InlineData("https://app.example.com", "Strict", null, "__Secure-better-auth.session_token", "samesite=strict", true, null)]
    [InlineData("https://market.example", "None", null, "__Secure-better-auth.session_token", "samesite=none", true, null)]
    [InlineData("https://app.example.com", null, "example.com", "__Secure-better-auth.session_token", "samesite=lax", true, "domain=example.com")]
    [InlineData("http://app.localhost:3000", "Lax", ".localhost", "better-auth.session_token", "samesite=lax", false, "domain=.localhost")]
    public async Task TheSessionCookieCarriesTheConfiguredSameSiteDomainAndSecureOnSignUpAndSignOut(
        string frontend, string? sameSite, string? domain, string name, string sameSiteAttribute, bool secure, string? domainAttribute)
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, Settings(("FRONTEND_URL", frontend), ("Auth:CookieSameSite", sameSite), ("Auth:CookieDomain", domain)));
        var http = factory.CreateBareClient();

        using var signUp = await http.PostAsJsonAsync("/api/auth/sign-up/email", new { name = "C", email = AuthTestClient.NewEmail("cookie"), password = AuthTestClient.Password });
        Assert.Equal(HttpStatusCode.OK, signUp.StatusCode);
        var issued = Attributes(Assert.Single(signUp.Headers.GetValues("Set-Cookie")));
        using var signOut = new HttpRequestMessage(HttpMethod.Post, "/api/auth/sign-out") { Headers = { { "Cookie", issued[0] }, { "Origin", frontend } } };
        using var signedOut = await http.SendAsync(signOut);
        Assert.Equal(HttpStatusCode.OK, signedOut.StatusCode);
        var cleared = Attributes(Assert.Single(signedOut.Headers.GetValues("Set-Cookie")));

        foreach (var cookie in new[] { issued, cleared })
        {
            Assert.StartsWith(name + "=", cookie[0], StringComparison.Ordinal);
            Assert.Contains(sameSiteAttribute, cookie);
            Assert.Contains("httponly", cookie);
            Assert.Contains("path=/", cookie);
            Assert.Equal(secure, cookie.Contains("secure"));
            Assert.Equal(domainAttribute, cookie.SingleOrDefault(a => a.StartsWith("domain=", StringComparison.Ordinal)));
        }
    }

    [Theory]
    [InlineData("http://localhost:3000", "None", null, null, "Auth:CookieSameSite=None needs HTTPS")]
    [InlineData("https://market.example", "None", "false", null, "Auth:CookieSameSite=None needs Secure cookies")]
    [InlineData("https://app.example.com", "Unspecified", null, null, "Auth:CookieSameSite must be Lax, Strict or None")]
    [InlineData("https://app.example.com", null, null, "https://example.com", "Auth:CookieDomain must be a host name")]
    [InlineData("https://app.example.com", null, null, "example.com:443", "Auth:CookieDomain must be a host name")]
    [InlineData("https://app.example.com", null, null, "com", "Auth:CookieDomain must be a host name")]
    [InlineData("https://app.example.com", null, null, "-bad-.example.com", "Auth:CookieDomain must be a host name")]
    public async Task ACookieTheBrowserWouldDropIsAStartUpError(string frontend, string? sameSite, string? secureCookies, string? domain, string message)
    {
        // A real process: the start-up error is what an operator sees, one message and a non-zero exit.
        var environment = new Dictionary<string, string> { ["ConnectionStrings__Tollgate"] = postgres.ConnectionString, ["FRONTEND_URL"] = frontend };
        foreach (var (key, value) in new[] { ("Auth__CookieSameSite", sameSite), ("Auth__SecureCookies", secureCookies), ("Auth__CookieDomain", domain) })
        {
            if (value is not null)
            {
                environment[key] = value;
            }
        }

        await using var host = ApiHostProcess.Start(Path.GetTempPath(), environment);

        Assert.NotEqual(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(message, host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", host.Output, StringComparison.Ordinal);
    }

    /// <summary>The settings given, unset ones left out (an empty value would be a value).</summary>
    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] settings) =>
        settings.Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value);

    /// <summary>The cookie's name=value, then its attributes lower-cased (values kept).</summary>
    private static List<string> Attributes(string setCookie)
    {
        var parts = setCookie.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return [parts[0], .. parts.Skip(1).Select(p => p.ToLowerInvariant())];
    }
}
