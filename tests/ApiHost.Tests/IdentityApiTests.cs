using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>Sign-up, sign-in, sign-out and the caller's sessions over HTTP on real PostgreSQL (api.md, Sessions).</summary>
[Collection(PostgresCollection.Name)]
public sealed class IdentityApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task SignUpSetsASignedHttpOnlyCookieAndStoresOnlyTheTokenHashAndAPasswordHash()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var http = factory.CreateBareClient();
        var email = AuthTestClient.NewEmail();

        using var response = await http.PostAsJsonAsync("/api/auth/sign-up/email", new { name = "Ada", email, password = AuthTestClient.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await AuthTestClient.Json(response);
        var token = body.GetProperty("token").GetString()!;
        Assert.Equal(43, token.Length);
        Assert.Equal("org_member", body.GetProperty("user").GetProperty("role").GetString());
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"better-auth.session_token={Uri.EscapeDataString(token)}.", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith(token + ".", Assert.Single(response.Headers.GetValues("set-auth-token")));

        var userId = body.GetProperty("user").GetProperty("id").GetString()!;
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(token));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE user_id = $1 AND token_hash = $2", userId, hash));
        Assert.Equal(0L, await postgres.ScalarAsync<long>(
            "SELECT count(*) FROM sessions WHERE position(convert_to($1, 'UTF8') in token_hash) > 0 OR id = $1", token));
        var stored = await postgres.ScalarAsync<string>("SELECT password_hash FROM users WHERE id = $1", userId);
        Assert.StartsWith("pbkdf2-sha256$10000$", stored);
        Assert.DoesNotContain(AuthTestClient.Password, stored);
    }

    /// <summary>
    /// One session token in 262,144 begins with <c>tg_</c>, the API-key prefix (base64url has '_'); it was once taken for
    /// a malformed key and answered 401 (a CI run met one). The session is stored as sign-in stores it.
    /// </summary>
    [Fact]
    public async Task ASessionTokenThatBeginsLikeAnApiKeyIsStillASession()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var user = await client.SignUpAsync();
        var token = "tg_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))[3..];
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(token));
        await postgres.ScalarAsync<int>(
            """
            INSERT INTO sessions (id, version, user_id, token_hash, expires_at, created_at, updated_at, remember_me)
            VALUES ($1, nextval('grain_state_version'), $2, $3, now() + interval '1 day', now(), now(), true) RETURNING 1
            """, Base64Url.EncodeToString(hash.AsSpan(0, 16)), user.UserId, hash);

        var session = await client.SessionAsync(token);

        Assert.Equal(user.UserId, session!.Value.GetProperty("user").GetProperty("id").GetString());
        using var sessions = await client.GetAsync("/api/auth/list-sessions", token);
        Assert.Equal(HttpStatusCode.OK, sessions.StatusCode);
    }

    [Fact]
    public async Task GetSessionAcceptsTheRawOrSignedBearerAndTheCookieAndIsNullOtherwise()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        using var signUp = await client.Http.PostAsJsonAsync("/api/auth/sign-up/email", new { name = "Bo", email = AuthTestClient.NewEmail(), password = AuthTestClient.Password });
        var token = (await AuthTestClient.Json(signUp)).GetProperty("token").GetString()!;
        var signed = signUp.Headers.GetValues("set-auth-token").Single();
        var cookie = signUp.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        var raw = await client.SessionAsync(token);
        Assert.Equal(token, raw!.Value.GetProperty("session").GetProperty("token").GetString());
        Assert.NotNull(await client.SessionAsync(signed));
        using var byCookie = new HttpRequestMessage(HttpMethod.Get, "/api/auth/get-session") { Headers = { { "Cookie", cookie } } };
        var cookieBody = await AuthTestClient.Json(await client.Http.SendAsync(byCookie));
        Assert.Equal(raw.Value.GetProperty("user").GetProperty("id").GetString(), cookieBody.GetProperty("user").GetProperty("id").GetString());

        using var anonymous = await client.Http.GetAsync("/api/auth/get-session");
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal("null", await anonymous.Content.ReadAsStringAsync());
        Assert.Equal("no-store", anonymous.Headers.CacheControl?.ToString());
        Assert.Null(await client.SessionAsync("not-a-token"));
        Assert.Null(await client.SessionAsync(token[..^1] + (token[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(await client.SessionAsync(signed[..^3] + "AA="));
    }

    [Fact]
    public async Task EmailsAreUniqueWhateverTheirCase()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var email = AuthTestClient.NewEmail("Mixed");
        await client.SignUpAsync(email);

        using var again = await client.Http.PostAsJsonAsync("/api/auth/sign-up/email", new { name = "X", email = email.ToUpperInvariant(), password = AuthTestClient.Password });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
        Assert.Equal("USER_ALREADY_EXISTS", (await AuthTestClient.Json(again)).GetProperty("code").GetString());
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM users WHERE lower(email) = lower($1)", email));
        await client.SignInAsync(email.ToUpperInvariant());
    }

    [Fact]
    public async Task AnUnknownEmailAndAWrongPasswordGetTheSameAnswer()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var email = AuthTestClient.NewEmail();
        await client.SignUpAsync(email);

        using var wrongPassword = await client.Http.PostAsJsonAsync("/api/auth/sign-in/email", new { email, password = "wrong-password" });
        using var unknownEmail = await client.Http.PostAsJsonAsync("/api/auth/sign-in/email", new { email = AuthTestClient.NewEmail(), password = "wrong-password" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownEmail.StatusCode);
        var first = await AuthTestClient.Json(wrongPassword);
        var second = await AuthTestClient.Json(unknownEmail);
        Assert.Equal("INVALID_EMAIL_OR_PASSWORD", first.GetProperty("code").GetString());
        Assert.Equal(first.GetProperty("code").GetString(), second.GetProperty("code").GetString());
        Assert.Equal(first.GetProperty("message").GetString(), second.GetProperty("message").GetString());
        Assert.StartsWith("http://localhost:3000/sign-in?redirect=", first.GetProperty("details").GetProperty("signInUrl").GetString());
    }

    [Fact]
    public async Task TheFourthSignInWithinTenSecondsIsRateLimitedWithRetryAfter()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, new Dictionary<string, string?>
        {
            ["Auth:SignInMaxRequests"] = "3",
            ["Auth:SignInWindowSeconds"] = "10",
        });
        var client = new AuthTestClient(factory.CreateBareClient());
        var email = AuthTestClient.NewEmail();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            last = await client.Http.PostAsJsonAsync("/api/auth/sign-in/email", new { email, password = "whatever-it-is" });
            statuses.Add(last.StatusCode);
        }

        // The window is aligned to the clock: the four attempts may straddle a boundary, then a fifth is refused.
        if (statuses[3] != HttpStatusCode.TooManyRequests)
        {
            last = await client.Http.PostAsJsonAsync("/api/auth/sign-in/email", new { email, password = "whatever-it-is" });
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        Assert.Equal("RATE_LIMITED", (await AuthTestClient.Json(last)).GetProperty("code").GetString());
        var retryAfter = int.Parse(last.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 10);
    }

    [Fact]
    public async Task SignOutRevokesTheSessionAndClearsTheCookie()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var user = await client.SignUpAsync();

        using var signOut = await client.PostAsync("/api/auth/sign-out", user.Token);

        Assert.Equal(HttpStatusCode.OK, signOut.StatusCode);
        Assert.True((await AuthTestClient.Json(signOut)).GetProperty("success").GetBoolean());
        Assert.Contains(signOut.Headers.GetValues("Set-Cookie"), c => c.StartsWith("better-auth.session_token=;", StringComparison.Ordinal));
        Assert.Null(await client.SessionAsync(user.Token));
        using var after = await client.GetAsync("/api/auth/list-sessions", user.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task ASessionSlidesWhenUsedAfterTheUpdateAgeUnlessNotRemembered()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, new Dictionary<string, string?> { ["Auth:SessionUpdateAge"] = "0" });
        var client = new AuthTestClient(factory.CreateBareClient());
        var email = AuthTestClient.NewEmail();
        var remembered = await client.SignUpAsync(email);
        var first = (await client.SessionAsync(remembered.Token))!.Value.GetProperty("session").GetProperty("expiresAt").GetDateTimeOffset();
        await Eventually.TrueAsync(async () =>
            (await client.SessionAsync(remembered.Token))!.Value.GetProperty("session").GetProperty("expiresAt").GetDateTimeOffset() > first,
            TimeSpan.FromSeconds(10), "a use after the update age moves the expiry");
        Assert.InRange(first - DateTimeOffset.UtcNow, TimeSpan.FromDays(29.9), TimeSpan.FromDays(30));

        using var notRemembered = await client.Http.PostAsJsonAsync("/api/auth/sign-in/email", new { email, password = AuthTestClient.Password, rememberMe = false });
        var token = (await AuthTestClient.Json(notRemembered)).GetProperty("token").GetString()!;
        Assert.DoesNotContain("max-age", notRemembered.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
        var expires = (await client.SessionAsync(token))!.Value.GetProperty("session").GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromHours(23.9), TimeSpan.FromDays(1));
        Assert.Equal(expires, (await client.SessionAsync(token))!.Value.GetProperty("session").GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task ACallerListsAndRevokesItsOwnSessions()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var email = AuthTestClient.NewEmail();
        var current = await client.SignUpAsync(email);
        var second = await client.SignInAsync(email);
        var third = await client.SignInAsync(email);
        var fourth = await client.SignInAsync(email);

        using var list = await client.GetAsync("/api/auth/list-sessions", current.Token);
        var sessions = (await AuthTestClient.Json(list)).EnumerateArray().ToList();
        Assert.Equal(4, sessions.Count);
        Assert.All(sessions, s => Assert.Equal(current.UserId, s.GetProperty("userId").GetString()));

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/auth/revoke-session", current.Token, new { token = second.Token })).StatusCode);
        Assert.Null(await client.SessionAsync(second.Token));
        var thirdId = (await client.SessionAsync(third.Token))!.Value.GetProperty("session").GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/auth/revoke-session", current.Token, new { token = thirdId })).StatusCode);
        Assert.Null(await client.SessionAsync(third.Token));
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/auth/revoke-session", current.Token, new { token = thirdId })).StatusCode);

        var stranger = await client.SignUpAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/auth/revoke-session", current.Token, new { token = stranger.Token })).StatusCode);
        Assert.NotNull(await client.SessionAsync(stranger.Token));

        using var others = await client.PostAsync("/api/auth/revoke-other-sessions", current.Token);
        Assert.True((await AuthTestClient.Json(others)).GetProperty("success").GetBoolean());
        Assert.Null(await client.SessionAsync(fourth.Token));
        Assert.NotNull(await client.SessionAsync(current.Token));
    }

    [Fact]
    public async Task RotatingSecretsKeepsOldCookiesValidUntilTheOldSecretIsDropped()
    {
        string cookie;
        await using (var before = new TollgateApiFactory(postgres.ConnectionString, new Dictionary<string, string?> { ["Auth:Secrets:0"] = "old-secret-old-secret-old-secret" }))
        {
            using var signUp = await before.CreateBareClient().PostAsJsonAsync("/api/auth/sign-up/email", new { name = "R", email = AuthTestClient.NewEmail(), password = AuthTestClient.Password });
            cookie = signUp.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        }

        await using (var rotating = new TollgateApiFactory(postgres.ConnectionString, new Dictionary<string, string?>
        {
            ["Auth:Secrets:0"] = "new-secret-new-secret-new-secret",
            ["Auth:Secrets:1"] = "old-secret-old-secret-old-secret",
        }))
        {
            Assert.NotEqual("null", await GetSessionWithCookieAsync(rotating.CreateBareClient(), cookie));
        }

        await using var after = new TollgateApiFactory(postgres.ConnectionString, new Dictionary<string, string?> { ["Auth:Secrets:0"] = "new-secret-new-secret-new-secret" });
        Assert.Equal("null", await GetSessionWithCookieAsync(after.CreateBareClient(), cookie));
    }

    [Fact]
    public async Task CookiePostsNeedATrustedOriginButBearerPostsDoNot()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, new Dictionary<string, string?>
        {
            ["FRONTEND_URL"] = "https://app.example.com",
            ["Auth:SecureCookies"] = "false",
            ["Auth:TrustedOrigins:0"] = "https://admin.example.com",
        });
        var client = new AuthTestClient(factory.CreateBareClient());
        using var signUp = await client.Http.PostAsJsonAsync("/api/auth/sign-up/email", new { name = "O", email = AuthTestClient.NewEmail(), password = AuthTestClient.Password });
        var cookie = signUp.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        foreach (var origin in new[] { null, "https://evil.example.com" })
        {
            using var refused = new HttpRequestMessage(HttpMethod.Post, "/api/auth/revoke-other-sessions") { Headers = { { "Cookie", cookie } } };
            if (origin is not null)
            {
                refused.Headers.Add("Origin", origin);
            }

            using var response = await client.Http.SendAsync(refused);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("INVALID_ORIGIN", (await AuthTestClient.Json(response)).GetProperty("code").GetString());
        }

        foreach (var origin in new[] { "https://app.example.com", "https://admin.example.com" })
        {
            using var allowed = new HttpRequestMessage(HttpMethod.Post, "/api/auth/revoke-other-sessions") { Headers = { { "Cookie", cookie }, { "Origin", origin } } };
            Assert.Equal(HttpStatusCode.OK, (await client.Http.SendAsync(allowed)).StatusCode);
        }

        var token = (await AuthTestClient.Json(signUp)).GetProperty("token").GetString();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/auth/revoke-other-sessions", token)).StatusCode);
    }

    [Fact]
    public async Task CorsAllowsCredentialsForTrustedOriginsOnly()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, new Dictionary<string, string?> { ["FRONTEND_URL"] = "https://app.example.com" });
        var http = factory.CreateBareClient();

        using var trusted = await PreflightAsync(http, "https://app.example.com");
        using var untrusted = await PreflightAsync(http, "https://evil.example.com");

        Assert.Equal("https://app.example.com", trusted.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", trusted.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        Assert.False(untrusted.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task ListSettingsGivenAsOnePlainValueAreReadNotDropped()
    {
        // Auth__TrustedOrigins=a,b and Auth__BootstrapAdmins=x, as an operator writes them in a ConfigMap.
        var email = AuthTestClient.NewEmail("plain-admin");
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, new Dictionary<string, string?>
        {
            ["FRONTEND_URL"] = "https://app.example.com",
            ["Auth:TrustedOrigins"] = "https://one.example.com, https://two.example.com",
            ["Auth:BootstrapAdmins"] = email,
        });
        var http = factory.CreateBareClient();

        foreach (var origin in new[] { "https://one.example.com", "https://two.example.com" })
        {
            using var preflight = await PreflightAsync(http, origin);
            Assert.Equal(origin, preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }

        var user = await new AuthTestClient(http).SignUpAsync(email);
        Assert.Contains("platform_admin", user.Body.GetProperty("user").GetProperty("role").GetString()!.Split(','));
    }

    [Fact]
    public async Task EveryUnauthorizedAnswerCarriesTheSignInUrlBackToTheOriginalPath()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, new Dictionary<string, string?> { ["FRONTEND_URL"] = "https://app.example.com" });
        var client = new AuthTestClient(factory.CreateBareClient());

        using var response = await client.GetAsync("/api/auth/list-sessions", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await AuthTestClient.Json(response);
        Assert.Equal("UNAUTHORIZED", problem.GetProperty("code").GetString());
        Assert.Equal("https://app.example.com/sign-in?redirect=%2Fapi%2Fauth%2Flist-sessions", problem.GetProperty("details").GetProperty("signInUrl").GetString());
    }

    [Fact]
    public async Task TheCredentialIsCheckedBeforeTheBodyIsRead()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var member = await client.SignUpAsync();

        using var anonymous = await client.Http.PostAsync("/api/auth/admin/set-role", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        using var notAdmin = await client.SendAsync(HttpMethod.Post, "/api/auth/admin/set-role", member.Token, null);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
    }

    [Fact]
    public async Task AJsonMemberOfTheWrongTypeIsAFieldError()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());

        using var response = await client.Http.PostAsync("/api/auth/sign-in/email", new StringContent("""{"email":"a@b.co","password":12345678}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await AuthTestClient.Json(response);
        Assert.Equal("VALIDATION_FAILED", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("details").GetProperty("errors").TryGetProperty("password", out _), problem.ToString());
    }

    private static async Task<string> GetSessionWithCookieAsync(HttpClient http, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/get-session") { Headers = { { "Cookie", cookie } } };
        using var response = await http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<HttpResponseMessage> PreflightAsync(HttpClient http, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/auth/sign-out")
        {
            Headers = { { "Origin", origin }, { "Access-Control-Request-Method", "POST" }, { "Access-Control-Request-Headers", "content-type" } },
        };
        return await http.SendAsync(request);
    }
}
