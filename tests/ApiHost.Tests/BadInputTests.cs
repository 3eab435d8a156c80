using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using Tollgate.Testing;
using Xunit;
using static Tollgate.ApiHost.Tests.BadInput;

namespace Tollgate.ApiHost.Tests;

/// <summary>
/// Every /api/auth endpoint given what a careless or hostile client sends: the documented problem (status, code,
/// problem+json) comes back, and nothing changed: no user, session or email row appeared or went, and the target
/// user kept its role, its ban state and its session.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BadInputTests(PostgresFixture postgres, BadInputTests.Api api) : IClassFixture<BadInputTests.Api>
{
    private const string SignUp = "/api/auth/sign-up/email";
    private const string SignIn = "/api/auth/sign-in/email";
    private const string SignOut = "/api/auth/sign-out";
    private const string GetSession = "/api/auth/get-session";
    private const string ListSessions = "/api/auth/list-sessions";
    private const string RevokeSession = "/api/auth/revoke-session";
    private const string RevokeOtherSessions = "/api/auth/revoke-other-sessions";
    private const string RevokeSessions = "/api/auth/revoke-sessions";
    private const string CreateUser = "/api/auth/admin/create-user";
    private const string ListUsers = "/api/auth/admin/list-users";
    private const string SetRole = "/api/auth/admin/set-role";
    private const string BanUser = "/api/auth/admin/ban-user";
    private const string UnbanUser = "/api/auth/admin/unban-user";
    private const string ListUserSessions = "/api/auth/admin/list-user-sessions";
    private const string RevokeUserSession = "/api/auth/admin/revoke-user-session";
    private const string RevokeUserSessions = "/api/auth/admin/revoke-user-sessions";
    private const string AdminRevokeSessions = "/api/auth/admin/revoke-sessions";
    private const string HasPermission = "/api/auth/admin/has-permission";

    /// <summary>api.md: request bodies over 1 MiB are refused with 413.</summary>
    private const int OneMebibyte = 1024 * 1024;

    private const string SqlDrop = "\"; DROP TABLE users; --";

    /// <summary>Every endpoint that reads a JSON body, with the fields an empty body lacks.</summary>
    private static readonly (string Endpoint, string[] Required)[] BodyEndpoints =
    [
        (SignUp, ["name", "email", "password"]),
        (SignIn, ["email", "password"]),
        (RevokeSession, ["token"]),
        (CreateUser, ["email", "password", "name"]),
        (SetRole, ["userId", "role"]),
        (BanUser, ["userId"]),
        (UnbanUser, ["userId"]),
        (ListUserSessions, ["userId"]),
        (RevokeUserSession, ["sessionId"]),
        (RevokeUserSessions, ["userId"]),
        (AdminRevokeSessions, ["userId"]),
        (HasPermission, ["permissions"]),
    ];

    /// <summary>Every endpoint that needs a caller, with a body that would be accepted from the right caller.</summary>
    private static readonly (string Method, string Endpoint, string? Body)[] CallerEndpoints =
    [
        ("POST", SignOut, null),
        ("GET", ListSessions, null),
        ("POST", RevokeSession, """{"token":"{targetSession}"}"""),
        ("POST", RevokeOtherSessions, null),
        ("POST", RevokeSessions, null),
        ("POST", CreateUser, """{"email":"{fresh}","password":"password123","name":"Nobody"}"""),
        ("GET", ListUsers, null),
        ("POST", SetRole, """{"userId":"{target}","role":"platform_admin"}"""),
        ("POST", BanUser, """{"userId":"{target}","banReason":"spam"}"""),
        ("POST", UnbanUser, """{"userId":"{target}"}"""),
        ("POST", ListUserSessions, """{"userId":"{target}"}"""),
        ("POST", RevokeUserSession, """{"sessionId":"{targetSession}"}"""),
        ("POST", RevokeUserSessions, """{"userId":"{target}"}"""),
        ("POST", AdminRevokeSessions, """{"userId":"{target}"}"""),
        ("POST", HasPermission, """{"permissions":{"user":["list"]}}"""),
    ];

    public static TheoryData<string, string> MalformedJsonCases() =>
        Cases(from e in BodyEndpoints from body in MalformedJson("userId") select (e.Endpoint, body));

    public static TheoryData<string, string, string> EmptyBodyCases() =>
        Cases(from e in BodyEndpoints from body in EmptyBodies select (e.Endpoint, body, string.Join(",", e.Required)));

    public static TheoryData<string> BodyEndpointNames() => Cases(BodyEndpoints.Select(e => e.Endpoint));

    public static TheoryData<string, string, string?> CallerEndpointCases() => Cases(CallerEndpoints);

    public static TheoryData<string, string, string?, string> InvalidBearerCases() =>
        Cases(from e in CallerEndpoints
              from token in new[] { "garbage", "{unknownToken}", "{unknownToken}.bm90LWEtc2lnbmF0dXJl" }
              select (e.Method, e.Endpoint, e.Body, token));

    public static TheoryData<string, string> MissingFieldCases() => new()
    {
        { SignUp, """{"email":"{fresh}","password":"password123"}""" },
        { SignUp, """{"name":"No Email","password":"password123"}""" },
        { SignUp, """{"name":"No Password","email":"{fresh}"}""" },
        { SignUp, """{"name":null,"email":"{fresh}","password":"password123"}""" },
        { SignIn, """{"password":"password123"}""" },
        { SignIn, """{"email":"{adminEmail}"}""" },
        { CreateUser, """{"email":"{fresh}","password":"password123"}""" },
        { CreateUser, """{"name":"No Password","email":"{fresh}"}""" },
        { SetRole, """{"userId":"{target}"}""" },
        { SetRole, """{"userId":"{target}","role":null}""" },
        { SetRole, """{"role":"platform_admin"}""" },
        { BanUser, """{"banReason":"who?"}""" },
        { RevokeUserSession, """{"sessionToken":null}""" },
        { HasPermission, """{"permissions":{}}""" },
        { HasPermission, """{"permission":null}""" },
    };

    public static TheoryData<string, string, string, string> OversizedFieldCases()
    {
        var longEmail = new string('e', 243) + "@example.com"; // 255 characters, otherwise well-formed
        return new TheoryData<string, string, string, string>
        {
            { "a 300-character name", SignUp, Json(new { name = new string('n', 300), email = "{fresh}", password = "password123" }), "name" },
            { "a 255-character email", SignUp, Json(new { name = "Long Email", email = longEmail, password = "password123" }), "email" },
            { "a 129-character password", SignUp, Json(new { name = "Long Password", email = "{fresh}", password = new string('p', 129) }), "password" },
            { "a 7-character password", SignUp, Json(new { name = "Short Password", email = "{fresh}", password = "1234567" }), "password" },
            { "a blank name", SignUp, Json(new { name = "   ", email = "{fresh}", password = "password123" }), "name" },
            { "a name with a control character", SignUp, Json(new { name = "Bell\u0007", email = "{fresh}", password = "password123" }), "name" },
            { "an email without a domain", SignUp, Json(new { name = "No Domain", email = "someone@", password = "password123" }), "email" },
            { "a 255-character email", SignIn, Json(new { email = longEmail, password = "password123" }), "email" },
            { "a 1025-character password", SignIn, Json(new { email = "{adminEmail}", password = new string('p', 1025) }), "password" },
            { "a 300-character name", CreateUser, Json(new { name = new string('n', 300), email = "{fresh}", password = "password123" }), "name" },
            { "a 255-character email", CreateUser, Json(new { name = "Long Email", email = longEmail, password = "password123" }), "email" },
            { "a 129-character password", CreateUser, Json(new { name = "Long Password", email = "{fresh}", password = new string('p', 129) }), "password" },
            { "a 129-character token", RevokeSession, Json(new { token = new string('t', 129) }), "token" },
            { "a 129-character userId", SetRole, Json(new { userId = new string('u', 129), role = "platform_admin" }), "userId" },
            { "nine roles", SetRole, Json(new { userId = "{target}", role = Enumerable.Repeat("org_member", 9) }), "role" },
            { "a 129-character userId", BanUser, Json(new { userId = new string('u', 129) }), "userId" },
            { "a 1025-character ban reason", BanUser, Json(new { userId = "{target}", banReason = new string('r', 1025) }), "banReason" },
            { "a ban of 0 seconds", BanUser, Json(new { userId = "{target}", banExpiresIn = 0 }), "banExpiresIn" },
            { "a ban of -1 seconds", BanUser, Json(new { userId = "{target}", banExpiresIn = -1 }), "banExpiresIn" },
            { "a ban of over 100 years", BanUser, Json(new { userId = "{target}", banExpiresIn = long.MaxValue }), "banExpiresIn" },
            { "the admin banning itself", BanUser, Json(new { userId = "{admin}" }), "userId" },
            { "a 129-character userId", UnbanUser, Json(new { userId = new string('u', 129) }), "userId" },
            { "a 129-character userId", ListUserSessions, Json(new { userId = new string('u', 129) }), "userId" },
            { "a 129-character sessionId", RevokeUserSession, Json(new { sessionId = new string('s', 129) }), "sessionId" },
            { "a 129-character sessionToken", RevokeUserSession, Json(new { sessionToken = new string('s', 129) }), "sessionToken" },
            { "a 129-character userId", RevokeUserSessions, Json(new { userId = new string('u', 129) }), "userId" },
            { "a 129-character userId", AdminRevokeSessions, Json(new { userId = new string('u', 129) }), "userId" },
            { "257 permissions", HasPermission, Json(new { permissions = new Dictionary<string, string[]> { ["user"] = [.. Enumerable.Repeat("list", 257)] } }), "permissions" },
        };
    }

    /// <summary>Values of the wrong JSON type: refused by the binder (the problem names the JSON path) or by validation (the field).</summary>
    public static TheoryData<string, string, string, string> WrongTypeCases() => new()
    {
        { "a number for the name", SignUp, """{"name":1,"email":"{fresh}","password":"password123"}""", "$.name" },
        { "an object for the email", SignUp, """{"name":"N","email":{"a":"{fresh}"},"password":"password123"}""", "$.email" },
        { "an array for the password", SignUp, """{"name":"N","email":"{fresh}","password":["password123"]}""", "$.password" },
        { "a string for rememberMe", SignUp, """{"name":"N","email":"{fresh}","password":"password123","rememberMe":"yes"}""", "$.rememberMe" },
        { "an array for the body", SignUp, """[{"name":"N","email":"{fresh}","password":"password123"}]""", "$" },
        { "true for the email", SignIn, """{"email":true,"password":"password123"}""", "$.email" },
        { "a number for the password", SignIn, """{"email":"{adminEmail}","password":12345678}""", "$.password" },
        { "a number for the token", RevokeSession, """{"token":123}""", "$.token" },
        { "a number for the email", CreateUser, """{"name":"N","email":42,"password":"password123"}""", "$.email" },
        { "a number for the role", CreateUser, """{"name":"N","email":"{fresh}","password":"password123","role":1}""", "role" },
        { "an object for the role", CreateUser, """{"name":"N","email":"{fresh}","password":"password123","role":{"platform_admin":true}}""", "role" },
        { "a number for the userId", SetRole, """{"userId":7,"role":"platform_admin"}""", "$.userId" },
        { "a number for the role", SetRole, """{"userId":"{target}","role":1}""", "role" },
        { "an object for the role array", SetRole, """{"userId":"{target}","role":{"0":"platform_admin"}}""", "role" },
        { "numbers in the role array", SetRole, """{"userId":"{target}","role":[1,2]}""", "role" },
        { "a word for banExpiresIn", BanUser, """{"userId":"{target}","banExpiresIn":"an hour"}""", "$.banExpiresIn" },
        { "a fraction for banExpiresIn", BanUser, """{"userId":"{target}","banExpiresIn":1.5}""", "$.banExpiresIn" },
        { "an object for banReason", BanUser, """{"userId":"{target}","banReason":{"why":"x"}}""", "$.banReason" },
        { "an array for the userId", UnbanUser, """{"userId":["{target}"]}""", "$.userId" },
        { "an object for the userId", ListUserSessions, """{"userId":{"id":"{target}"}}""", "$.userId" },
        { "a number for the sessionId", RevokeUserSession, """{"sessionId":42}""", "$.sessionId" },
        { "true for the userId", RevokeUserSessions, """{"userId":true}""", "$.userId" },
        { "a number for the userId", AdminRevokeSessions, """{"userId":1}""", "$.userId" },
        { "an array for the permissions object", HasPermission, """{"permissions":["user:list"]}""", "permissions" },
        { "a string for the permissions object", HasPermission, """{"permissions":"user:list"}""", "permissions" },
        { "an object for an action array", HasPermission, """{"permissions":{"user":{"list":true}}}""", "permissions.user" },
        { "numbers in an action array", HasPermission, """{"permissions":{"user":[1]}}""", "permissions.user" },
    };

    public static TheoryData<string, string, string> SqlLikeCases() => new()
    {
        { SignUp, Json(new { name = "Sql", email = SqlOr, password = "password123" }), "email" },
        { SignUp, Json(new { name = "Sql", email = SqlDrop, password = "password123" }), "email" },
        { SignIn, Json(new { email = SqlOr, password = "password123" }), "email" },
        { SignIn, Json(new { email = "{adminEmail}" + SqlOr, password = "password123" }), "email" },
        { CreateUser, Json(new { name = "Sql", email = SqlDrop, password = "password123" }), "email" },
        { RevokeSession, Json(new { token = SqlOr }), "token" },
        { SetRole, Json(new { userId = SqlOr, role = "platform_admin" }), "userId" },
        { SetRole, Json(new { userId = "{target}" + SqlOr, role = "platform_admin" }), "userId" },
        { BanUser, Json(new { userId = SqlDrop }), "userId" },
        { UnbanUser, Json(new { userId = SqlOr }), "userId" },
        { ListUserSessions, Json(new { userId = SqlOr }), "userId" },
        { RevokeUserSession, Json(new { sessionId = SqlOr }), "sessionId" },
        { RevokeUserSession, Json(new { sessionToken = SqlDrop }), "sessionToken" },
        { RevokeUserSessions, Json(new { userId = SqlDrop }), "userId" },
        { AdminRevokeSessions, Json(new { userId = SqlOr }), "userId" },
    };

    public static TheoryData<string, string> UnknownRoleCases() => new()
    {
        { SetRole, """{"userId":"{target}","role":"superuser"}""" },
        { SetRole, """{"userId":"{target}","role":"PLATFORM_ADMIN"}""" },
        { SetRole, """{"userId":"{target}","role":"platform_admin,god"}""" },
        { SetRole, """{"userId":"{target}","role":["platform_admin","god"]}""" },
        { SetRole, """{"userId":"{target}","role":""}""" },
        { SetRole, """{"userId":"{target}","role":[]}""" },
        { SetRole, """{"userId":"{target}","role":" , "}""" },
        { CreateUser, """{"name":"N","email":"{fresh}","password":"password123","role":"root"}""" },
        { CreateUser, """{"name":"N","email":"{fresh}","password":"password123","role":["org_member","root"]}""" },
    };

    public static TheoryData<string, string> UnknownIdCases() => new()
    {
        { SetRole, """{"userId":"{unknownId}","role":"platform_admin"}""" },
        { BanUser, """{"userId":"{unknownId}","banReason":"ghost"}""" },
        { UnbanUser, """{"userId":"{unknownId}"}""" },
        { ListUserSessions, """{"userId":"{unknownId}"}""" },
        { RevokeUserSessions, """{"userId":"{unknownId}"}""" },
        { AdminRevokeSessions, """{"userId":"{unknownId}"}""" },
        { RevokeUserSession, """{"sessionId":"{unknownId}"}""" },
        { RevokeUserSession, """{"sessionToken":"{unknownToken}"}""" },
        { RevokeSession, """{"token":"{unknownId}"}""" },
        { RevokeSession, """{"token":"{unknownToken}"}""" },
        // Another user's session is not the caller's to revoke: as unknown as one that does not exist.
        { RevokeSession, """{"token":"{targetSession}"}""" },
    };

    public static TheoryData<string, string?> BadListUsersQueries() => new()
    {
        { "limit=0", "limit" },
        { "limit=-5", "limit" },
        { "limit=1001", "limit" },
        { "limit=abc", null },
        { "limit=1.5", null },
        { "limit=99999999999", null },
        { "limit=1&limit=2", null },
        { "offset=-1", "offset" },
        { "offset=abc", null },
        { "searchValue=" + new string('s', 257), "searchValue" },
        { "searchValue=%00", "searchValue" },
        { "limit=0&offset=-1", "limit" },
    };

    public static TheoryData<string, string> ForbiddenCases() => new()
    {
        { CreateUser, "user:create" },
        { ListUsers, "user:list" },
        { SetRole, "user:set-role" },
        { BanUser, "user:ban" },
        { UnbanUser, "user:ban" },
        { ListUserSessions, "session:list" },
        { RevokeUserSession, "session:revoke" },
        { RevokeUserSessions, "session:revoke" },
        { AdminRevokeSessions, "session:revoke" },
    };

    [Theory]
    [MemberData(nameof(MalformedJsonCases))]
    public async Task MalformedJsonIsAValidationProblemAndChangesNothing(string endpoint, string body)
    {
        var problem = await RefusedAsync(endpoint, body);
        Assert.Contains("JSON", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EmptyBodyCases))]
    public async Task AnEmptyBodyIsAValidationProblemNamingEveryRequiredField(string endpoint, string body, string requiredFields)
    {
        var problem = await RefusedAsync(endpoint, body);
        Assert.Equal(requiredFields.Split(',').Order(), FieldErrors(problem).Order());
    }

    [Theory]
    [MemberData(nameof(MissingFieldCases))]
    public async Task AMissingFieldIsAValidationProblemNamingItAndChangesNothing(string endpoint, string body)
    {
        var problem = await RefusedAsync(endpoint, body);
        Assert.NotEmpty(FieldErrors(problem));
    }

    [Theory]
    [MemberData(nameof(OversizedFieldCases))]
    public async Task AnOutOfRangeFieldIsAValidationProblemNamingItAndChangesNothing(string scenario, string endpoint, string body, string field)
    {
        var problem = await RefusedAsync(endpoint, body, scenario: scenario);
        Assert.Contains(field, FieldErrors(problem));
    }

    [Theory]
    [MemberData(nameof(WrongTypeCases))]
    public async Task AValueOfTheWrongJsonTypeIsAValidationProblemAndChangesNothing(string scenario, string endpoint, string body, string pathOrField)
    {
        var problem = await RefusedAsync(endpoint, body, scenario: scenario);
        if (pathOrField.StartsWith('$'))
        {
            // Refused by the binder: the message says where.
            Assert.Contains($"Path: {pathOrField} ", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains(pathOrField, FieldErrors(problem));
        }
    }

    [Theory]
    [MemberData(nameof(SqlLikeCases))]
    public async Task AnSqlLikeIdOrEmailIsAValidationProblemAndChangesNothing(string endpoint, string body, string field)
    {
        var problem = await RefusedAsync(endpoint, body);
        Assert.Contains(field, FieldErrors(problem));
        Assert.True(await postgres.ScalarAsync<bool>("SELECT to_regclass('users') IS NOT NULL"));
    }

    [Theory]
    [InlineData("x'OR'1'='1@example.com")]
    [InlineData("admin'--@example.com")]
    [InlineData("\"or\"\"=\"@example.com")]
    public async Task AnSqlLikeButWellFormedEmailSignsNobodyIn(string email)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var response = await SendAsync(HttpMethod.Post, SignIn, null, Json(new { email, password = "password123" }));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "INVALID_EMAIL_OR_PASSWORD");
        Assert.Equal(before, await StateAsync(scene));
    }

    [Theory]
    [InlineData(SqlOr)]
    [InlineData(SqlDrop)]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("\\")]
    [InlineData("%' UNION SELECT id, password_hash FROM users --")]
    public async Task AnSqlLikeSearchValueMatchesOnlyUsersContainingItLiterally(string searchValue)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var response = await SendAsync(HttpMethod.Get, $"{ListUsers}?limit=1000&searchValue={Uri.EscapeDataString(searchValue)}", scene.AdminToken, null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await AuthTestClient.Json(response);
        Assert.All(page.GetProperty("users").EnumerateArray(), user => Assert.True(
            user.GetProperty("email").GetString()!.Contains(searchValue, StringComparison.OrdinalIgnoreCase)
            || user.GetProperty("name").GetString()!.Contains(searchValue, StringComparison.OrdinalIgnoreCase),
            $"{user} does not contain {searchValue}"));
        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task AnSqlLikeNameIsStoredAndFoundVerbatim()
    {
        var scene = await SceneAsync();
        var name = $"Robert'); DROP TABLE users; -- {Guid.NewGuid():N}";

        using var created = await SendAsync(HttpMethod.Post, CreateUser, scene.AdminToken, Json(new { name, email = AuthTestClient.NewEmail("bobby"), password = "password123" }));
        using var found = await SendAsync(HttpMethod.Get, $"{ListUsers}?searchValue={Uri.EscapeDataString(name)}", scene.AdminToken, null);

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var page = await AuthTestClient.Json(found);
        Assert.Equal(1, page.GetProperty("total").GetInt64());
        Assert.Equal(name, page.GetProperty("users")[0].GetProperty("name").GetString());
        Assert.Equal(name, await postgres.ScalarAsync<string>("SELECT name FROM users WHERE name = $1", name));
    }

    [Theory]
    [MemberData(nameof(UnknownRoleCases))]
    public async Task AnUnknownRoleIsAValidationProblemAndChangesNothing(string endpoint, string body)
    {
        var problem = await RefusedAsync(endpoint, body);
        Assert.Contains("role", FieldErrors(problem));
    }

    [Theory]
    [MemberData(nameof(UnknownIdCases))]
    public async Task AWellFormedButUnknownIdIsNotFoundAndChangesNothing(string endpoint, string body)
    {
        await RefusedAsync(endpoint, body, status: HttpStatusCode.NotFound, code: "NOT_FOUND");
    }

    [Theory]
    [MemberData(nameof(BadListUsersQueries))]
    public async Task ABadListUsersQueryIsAValidationProblem(string query, string? field)
    {
        var scene = await SceneAsync();

        using var response = await SendAsync(HttpMethod.Get, $"{ListUsers}?{query}", scene.AdminToken, null);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED", query);
        if (field is null)
        {
            Assert.Contains("Failed to bind parameter", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains(field, FieldErrors(problem));
        }
    }

    [Fact]
    public async Task SigningUpWithAnEmailThatExistsInAnotherCaseIsUserAlreadyExistsAndChangesNothing()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var signUp = await SendAsync(HttpMethod.Post, SignUp, null, Json(new { name = "Twin", email = "  " + scene.TargetEmail.ToUpperInvariant(), password = "password123" }));
        using var create = await SendAsync(HttpMethod.Post, CreateUser, scene.AdminToken, Json(new { name = "Twin", email = scene.TargetEmail, password = "password123", role = "platform_admin" }));

        await AssertProblemAsync(signUp, (HttpStatusCode)422, "USER_ALREADY_EXISTS");
        await AssertProblemAsync(create, (HttpStatusCode)422, "USER_ALREADY_EXISTS");
        Assert.Equal(before, await StateAsync(scene));
    }

    [Theory]
    [MemberData(nameof(BodyEndpointNames))]
    public async Task ABodyThatIsNotJsonIsAnUnsupportedMediaTypeAndChangesNothing(string endpoint)
    {
        await RefusedAsync(endpoint, """{"userId":"{target}","email":"{fresh}","name":"N","password":"password123"}""",
            status: HttpStatusCode.UnsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE", contentType: "text/plain");
    }

    /// <summary>
    /// The 1 MiB limit is Kestrel's (the test server has none), so this runs the real host. An embedded host holds
    /// its database alone, so it gets a database of its own on the shared server.
    /// </summary>
    [Fact]
    public async Task ABodyOverOneMebibyteIsPayloadTooLargeOnEveryBodyEndpointOfTheRealServer()
    {
        var database = "bad_input_" + Guid.NewGuid().ToString("N")[..12];
        await postgres.ScalarAsync<object>($"CREATE DATABASE {database}");
        var connectionString = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Database = database }.ConnectionString;
        var workingDirectory = Directory.CreateTempSubdirectory("tollgate-bad-input-").FullName;
        // An admin, so every endpoint lets the request through the access check (which runs before the body is read).
        var adminEmail = AuthTestClient.NewEmail("big-admin");
        await using var host = ApiHostProcess.Start(workingDirectory, new Dictionary<string, string>
        {
            ["ConnectionStrings__Tollgate"] = connectionString,
            ["Auth__BootstrapAdmins__0"] = adminEmail,
            ["Silo__Port"] = HostProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Silo__HealthPort"] = HostProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Auth__PasswordIterations"] = "10000",
        });
        await host.WaitReadyAsync(TimeSpan.FromSeconds(60));
        // Expect: 100-continue lets the client read the 413 that Kestrel sends before taking the body, instead of
        // failing with a broken pipe while it still writes.
        using var http = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) }) { BaseAddress = host.BaseAddress };
        var signedUp = await new AuthTestClient(http).SignUpAsync(adminEmail);
        var padding = new string('x', OneMebibyte + 1);

        foreach (var (endpoint, _) in BodyEndpoints)
        {
            var body = Json(new { name = "Big", email = AuthTestClient.NewEmail("big"), password = "password123", userId = signedUp.UserId, banReason = padding });
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", signedUp.Token);
            request.Headers.ExpectContinue = true;

            using var response = await http.SendAsync(request);

            await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE", endpoint);
        }

        await using var data = NpgsqlDataSource.Create(connectionString);
        await using var count = data.CreateCommand("SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM user_emails)");
        Assert.Equal(2L, await count.ExecuteScalarAsync());
        Assert.NotNull(await new AuthTestClient(http).SessionAsync(signedUp.Token));
    }

    [Theory]
    [MemberData(nameof(CallerEndpointCases))]
    public async Task WithoutACredentialEveryCallerEndpointIsUnauthorizedWithASignInUrl(string method, string endpoint, string? body)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var response = await SendAsync(new HttpMethod(method), endpoint, null, body is null ? null : scene.Fill(body));

        var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        var signInUrl = problem.GetProperty("details").GetProperty("signInUrl").GetString();
        Assert.StartsWith("http", signInUrl, StringComparison.Ordinal);
        Assert.EndsWith("redirect=" + Uri.EscapeDataString(endpoint), signInUrl, StringComparison.Ordinal);
        Assert.Equal(before, await StateAsync(scene));
    }

    [Theory]
    [MemberData(nameof(InvalidBearerCases))]
    public async Task AnInvalidBearerTokenIsUnauthorizedOnEveryCallerEndpoint(string method, string endpoint, string? body, string token)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var response = await SendAsync(new HttpMethod(method), endpoint, scene.Fill(token), body is null ? null : scene.Fill(body));

        var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal(JsonValueKind.String, problem.GetProperty("details").GetProperty("signInUrl").ValueKind);
        Assert.Equal(before, await StateAsync(scene));
    }

    [Theory]
    [MemberData(nameof(ForbiddenCases))]
    public async Task ACallerWithoutThePermissionIsForbiddenNamingItAndChangesNothing(string endpoint, string permission)
    {
        var scene = await SceneAsync();
        if (endpoint == UnbanUser)
        {
            using var banned = await SendAsync(HttpMethod.Post, BanUser, scene.AdminToken, scene.Fill("""{"userId":"{target}"}"""));
            Assert.Equal(HttpStatusCode.OK, banned.StatusCode);
            Assert.True((await StateAsync(scene)) is { TargetBanned: true, TargetSignedIn: false }, "the snapshot sees a ban");
        }

        var member = await new AuthTestClient(api.Http(postgres.ConnectionString)).SignUpAsync(AuthTestClient.NewEmail("member"));
        var before = await StateAsync(scene);
        var (method, _, body) = CallerEndpoints.Single(e => e.Endpoint == endpoint);

        using var response = await SendAsync(new HttpMethod(method), endpoint, member.Token, body is null ? null : scene.Fill(body));

        var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(new[] { permission }, problem.GetProperty("details").GetProperty("required").EnumerateArray().Select(p => p.GetString()!));
        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task AMemberMayAskHasPermissionAndIsToldNo()
    {
        var scene = await SceneAsync();

        using var response = await SendAsync(HttpMethod.Post, HasPermission, scene.TargetToken, """{"permissions":{"user":["set-role"]}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((await AuthTestClient.Json(response)).GetProperty("success").GetBoolean());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("{unknownToken}")]
    [InlineData("{unknownToken}.bm90LWEtc2lnbmF0dXJl")]
    public async Task GetSessionWithAnInvalidBearerTokenIsOkWithJsonNull(string token)
    {
        var scene = await SceneAsync();

        using var response = await SendAsync(HttpMethod.Get, GetSession, scene.Fill(token), null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("null", await response.Content.ReadAsStringAsync());
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? body, string contentType = "application/json") =>
        api.Http(postgres.ConnectionString).SendRawAsync(method, path, token, body, contentType);

    /// <summary>In a fresh scene the admin posts <paramref name="body"/> (placeholders filled): the problem comes back, and nothing changed.</summary>
    private async Task<JsonElement> RefusedAsync(
        string endpoint, string body, string? scenario = null, HttpStatusCode status = HttpStatusCode.BadRequest, string code = "VALIDATION_FAILED",
        string contentType = "application/json")
    {
        var scene = await SceneAsync();
        return await AssertRefusedAndUnchangedAsync(
            () => StateAsync(scene), () => SendAsync(HttpMethod.Post, endpoint, scene.AdminToken, scene.Fill(body), contentType), status, code, scenario);
    }

    /// <summary>A freshly signed-in admin and a fresh member (the target of admin calls) with one live session.</summary>
    private async Task<Scene> SceneAsync()
    {
        var client = new AuthTestClient(api.Http(postgres.ConnectionString));
        var admin = api.AdminExists ? await client.SignInAsync(api.AdminEmail) : await client.SignUpAsync(api.AdminEmail);
        api.AdminExists = true;
        var targetEmail = AuthTestClient.NewEmail("target");
        var target = await client.SignUpAsync(targetEmail);
        using var session = await client.GetAsync(GetSession, target.Token);
        var targetSession = (await AuthTestClient.Json(session)).GetProperty("session").GetProperty("id").GetString()!;
        return new Scene(api.AdminEmail, admin.UserId, admin.Token, targetEmail, target.UserId, target.Token, targetSession);
    }

    private async Task<State> StateAsync(Scene scene)
    {
        using var session = await SendAsync(HttpMethod.Get, GetSession, scene.TargetToken, null);
        var signedIn = (await session.Content.ReadAsStringAsync()).StartsWith('{');
        // One query, so the snapshot is one consistent read.
        var rows = (await postgres.ScalarAsync<string>(
            """
            SELECT concat_ws('|',
                (SELECT count(*) FROM users), (SELECT count(*) FROM sessions), (SELECT count(*) FROM user_emails),
                (SELECT role FROM users WHERE id = $1), (SELECT banned::text FROM users WHERE id = $1),
                (SELECT role FROM users WHERE id = $2), (SELECT banned::text FROM users WHERE id = $2))
            """, scene.TargetId, scene.AdminId))!.Split('|');
        return new State(long.Parse(rows[0], CultureInfo.InvariantCulture), long.Parse(rows[1], CultureInfo.InvariantCulture),
            long.Parse(rows[2], CultureInfo.InvariantCulture), rows[3], rows[4] == "true", signedIn, rows[5], rows[6] == "true");
    }

    private sealed record State(
        long Users, long Sessions, long UserEmails, string TargetRole, bool TargetBanned, bool TargetSignedIn, string AdminRole, bool AdminBanned);

    private sealed record Scene(
        string AdminEmail, string AdminId, string AdminToken, string TargetEmail, string TargetId, string TargetToken, string TargetSessionId)
    {
        /// <summary>Fills a body template's placeholders; every <c>{fresh}</c> is an email nobody has.</summary>
        public string Fill(string template)
        {
            var filled = template
                .Replace("{adminEmail}", AdminEmail, StringComparison.Ordinal)
                .Replace("{admin}", AdminId, StringComparison.Ordinal)
                .Replace("{target}", TargetId, StringComparison.Ordinal)
                .Replace("{targetSession}", TargetSessionId, StringComparison.Ordinal)
                .Replace("{unknownId}", "no-such-" + Guid.NewGuid().ToString("N"), StringComparison.Ordinal)
                .Replace("{unknownToken}", Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)), StringComparison.Ordinal);
            while (filled.Contains("{fresh}", StringComparison.Ordinal))
            {
                var at = filled.IndexOf("{fresh}", StringComparison.Ordinal);
                filled = filled[..at] + AuthTestClient.NewEmail("fresh") + filled[(at + "{fresh}".Length)..];
            }

            return filled;
        }
    }

    /// <summary>
    /// One host for the whole class (tests still isolate by fresh users): a bootstrap admin of its own, fast
    /// hashing, no sign-in limit, and a client that keeps no cookies, so every request carries only what it says.
    /// </summary>
    public sealed class Api : BadInputApi
    {
        public Api()
            : this(AuthTestClient.NewEmail("bad-input-admin"))
        {
        }

        private Api(string adminEmail)
            : base(new Dictionary<string, string?> { ["Auth:SignInMaxRequests"] = "1000000", ["Auth:BootstrapAdmins:0"] = adminEmail })
        {
            AdminEmail = adminEmail;
        }

        public string AdminEmail { get; }

        /// <summary>Whether the first scene signed the admin up already (later ones sign it in).</summary>
        public bool AdminExists { get; set; }
    }
}
