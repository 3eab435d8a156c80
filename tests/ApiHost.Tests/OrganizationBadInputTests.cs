using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Tollgate.Testing;
using Xunit;
using static Tollgate.ApiHost.Tests.BadInput;

namespace Tollgate.ApiHost.Tests;

/// <summary>
/// Every organization and API-key endpoint given what a careless or hostile client sends: the documented problem
/// (status, code, problem+json) comes back, and nothing changed: no organization, slug, member, key or interaction
/// row appeared or went, the owner and the target member kept their roles, the owner's session kept its active
/// organization, and the organization's key still works.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrganizationBadInputTests(PostgresFixture postgres, OrganizationBadInputTests.Api api)
    : IClassFixture<OrganizationBadInputTests.Api>
{
    private const string Create = "/api/auth/organization/create";
    private const string AddMember = "/api/auth/organization/add-member";
    private const string UpdateMemberRole = "/api/auth/organization/update-member-role";
    private const string RemoveMember = "/api/auth/organization/remove-member";
    private const string SetActive = "/api/auth/organization/set-active";
    private const string Delete = "/api/auth/organization/delete";
    private const string ListOrganizations = "/api/auth/organization/list";
    private const string GetFull = "/api/auth/organization/get-full-organization";
    private const string HasPermission = "/api/auth/organization/has-permission";
    private const string KeyCreate = "/api/auth/api-key/create";
    private const string KeyList = "/api/auth/api-key/list";
    private const string KeyDelete = "/api/auth/api-key/delete";
    private const string KeyVerify = "/api/auth/api-key/verify";

    private const string SqlDrop = "'; DROP TABLE organizations; --";
    private const long SixYears = 6L * 365 * 24 * 3600;

    /// <summary>Every endpoint that reads a JSON body (but set-active, whose one field is optional), with the fields an empty body lacks.</summary>
    private static readonly (string Endpoint, string[] Required)[] BodyEndpoints =
    [
        (Create, ["name", "slug"]),
        (AddMember, ["userId", "role"]),
        (UpdateMemberRole, ["userId", "role"]),
        (RemoveMember, ["userId"]),
        (HasPermission, ["permissions"]),
        (Delete, ["organizationId"]),
        (KeyCreate, ["name"]),
        (KeyDelete, ["keyId"]),
        (KeyVerify, ["key"]),
    ];

    /// <summary>Every endpoint, with a body the right caller would have accepted.</summary>
    private static readonly (string Method, string Endpoint, string? Body)[] AllEndpoints =
    [
        ("POST", Create, """{"name":"Acme","slug":"{slug}"}"""),
        ("POST", AddMember, """{"userId":"{outsider}","role":"member"}"""),
        ("POST", UpdateMemberRole, """{"userId":"{target}","role":"admin"}"""),
        ("POST", RemoveMember, """{"userId":"{target}"}"""),
        ("POST", SetActive, """{"organizationId":null}"""),
        ("GET", ListOrganizations, null),
        ("GET", GetFull, null),
        ("POST", HasPermission, """{"permissions":{"member":["create"]}}"""),
        ("POST", Delete, """{"organizationId":"{org}"}"""),
        ("POST", KeyCreate, """{"name":"another"}"""),
        ("GET", KeyList, null),
        ("POST", KeyDelete, """{"keyId":"{keyId}"}"""),
        ("POST", KeyVerify, """{"key":"{key}"}"""),
    ];

    /// <summary>The endpoints an API key cannot call: they act on a session.</summary>
    private static readonly (string Endpoint, string Body)[] SessionOnlyEndpoints =
    [
        (Create, """{"name":"By Key","slug":"{slug}"}"""),
        (SetActive, """{"organizationId":null}"""),
        (KeyCreate, """{"name":"key of a key","organizationId":"{org}"}"""),
    ];

    private static readonly string[] MalformedBodies = MalformedJson("userId");

    public static TheoryData<string, string> MalformedJsonCases() =>
        Cases(from endpoint in BodyEndpoints.Select(e => e.Endpoint).Append(SetActive) from body in MalformedBodies select (endpoint, body));

    public static TheoryData<string, string, string> EmptyBodyCases() =>
        Cases(from e in BodyEndpoints from body in EmptyBodies select (e.Endpoint, body, string.Join(",", e.Required)));

    public static TheoryData<string> BodyEndpointNames() => Cases(BodyEndpoints.Select(e => e.Endpoint).Append(SetActive));

    public static TheoryData<string, string, string?> AllEndpointCases() => Cases(AllEndpoints);

    public static TheoryData<string, string, string?, string> InvalidApiKeyCases() =>
        Cases(from e in AllEndpoints from key in new[] { "{unknownKey}", "tg_short", SqlOr } select (e.Method, e.Endpoint, e.Body, key));

    public static TheoryData<string, string> SessionOnlyCases() =>
        Cases(from e in SessionOnlyEndpoints from body in new[] { e.Body, MalformedBodies[0], "" } select (e.Endpoint, body));

    public static TheoryData<string, string> MissingFieldCases() => new()
    {
        { Create, """{"name":"No Slug"}""" },
        { Create, """{"slug":"{slug}"}""" },
        { Create, """{"name":null,"slug":"{slug}"}""" },
        { Create, """{"name":"Null Slug","slug":null}""" },
        { AddMember, """{"userId":"{outsider}"}""" },
        { AddMember, """{"role":"member"}""" },
        { AddMember, """{"organizationId":"{org}","userId":"{outsider}","role":null}""" },
        { UpdateMemberRole, """{"userId":"{target}"}""" },
        { UpdateMemberRole, """{"organizationId":"{org}","role":"admin"}""" },
        { RemoveMember, """{"organizationId":"{org}"}""" },
        { RemoveMember, """{"userId":null}""" },
        { HasPermission, """{"organizationId":"{org}"}""" },
        { HasPermission, """{"permissions":{}}""" },
        { HasPermission, """{"permissions":null}""" },
        { HasPermission, """{"permissions":{"member":[]}}""" },
        { KeyCreate, """{"organizationId":"{org}"}""" },
        { KeyCreate, """{"name":null,"expiresIn":3600}""" },
        { KeyDelete, """{"keyId":null}""" },
        { KeyDelete, """{"id":"{keyId}"}""" },
        { KeyVerify, """{"permissions":{"member":["create"]}}""" },
        { KeyVerify, """{"key":null}""" },
    };

    public static TheoryData<string, string, string, string> OutOfRangeCases() => new()
    {
        { "a 129-character name", Create, Json(new { name = new string('n', 129), slug = "{slug}" }), "name" },
        { "a blank name", Create, Json(new { name = "   ", slug = "{slug}" }), "name" },
        { "a name with a control character", Create, Json(new { name = "Bell\u0007", slug = "{slug}" }), "name" },
        { "a 65-character slug", Create, Json(new { name = "Long Slug", slug = new string('s', 65) }), "slug" },
        { "a 1-character slug", Create, Json(new { name = "Short Slug", slug = "s" }), "slug" },
        { "an upper-case slug", Create, Json(new { name = "Upper", slug = "Acme-{slug}" }), "slug" },
        { "a slug with a space", Create, Json(new { name = "Space", slug = "acme {slug}" }), "slug" },
        { "a slug with an underscore", Create, Json(new { name = "Underscore", slug = "acme_{slug}" }), "slug" },
        { "a slug with a non-ASCII letter", Create, Json(new { name = "Umlaut", slug = "acmé-{slug}" }), "slug" },
        { "a slug that is SQL", Create, Json(new { name = "Sql", slug = SqlDrop }), "slug" },
        { "a 129-character userId", AddMember, Json(new { userId = new string('u', 129), role = "member" }), "userId" },
        { "a 129-character organizationId", AddMember, Json(new { organizationId = new string('o', 129), userId = "{outsider}", role = "member" }), "organizationId" },
        { "nine roles", AddMember, Json(new { userId = "{outsider}", role = Enumerable.Repeat("member", 9) }), "role" },
        { "a 129-character userId", UpdateMemberRole, Json(new { userId = new string('u', 129), role = "admin" }), "userId" },
        { "nine roles", UpdateMemberRole, Json(new { userId = "{target}", role = Enumerable.Repeat("admin", 9) }), "role" },
        { "a 129-character userId", RemoveMember, Json(new { userId = new string('u', 129) }), "userId" },
        { "a 129-character organizationId", SetActive, Json(new { organizationId = new string('o', 129) }), "organizationId" },
        { "a blank organizationId", SetActive, Json(new { organizationId = "  " }), "organizationId" },
        { "257 permissions", HasPermission, Json(new { permissions = new Dictionary<string, string[]> { ["member"] = [.. Enumerable.Repeat("create", 257)] } }), "permissions" },
        { "a 129-character organizationId", HasPermission, Json(new { permissions = new { member = new[] { "create" } }, organizationId = new string('o', 129) }), "organizationId" },
        { "a 65-character name", KeyCreate, Json(new { name = new string('k', 65) }), "name" },
        { "a blank name", KeyCreate, Json(new { name = "" }), "name" },
        { "expiresIn 59 s", KeyCreate, Json(new { name = "k", expiresIn = 59 }), "expiresIn" },
        { "expiresIn 0", KeyCreate, Json(new { name = "k", expiresIn = 0 }), "expiresIn" },
        { "expiresIn -1", KeyCreate, Json(new { name = "k", expiresIn = -1 }), "expiresIn" },
        { "expiresIn 6 years", KeyCreate, Json(new { name = "k", expiresIn = SixYears }), "expiresIn" },
        { "expiresIn long.MaxValue", KeyCreate, Json(new { name = "k", expiresIn = long.MaxValue }), "expiresIn" },
        { "rateLimit.maxRequests 0", KeyCreate, Json(new { name = "k", rateLimit = new { maxRequests = 0, timeWindowMs = 60000 } }), "rateLimit.maxRequests" },
        { "rateLimit.maxRequests -1", KeyCreate, Json(new { name = "k", rateLimit = new { maxRequests = -1, timeWindowMs = 60000 } }), "rateLimit.maxRequests" },
        { "rateLimit.timeWindowMs 999", KeyCreate, Json(new { name = "k", rateLimit = new { maxRequests = 10, timeWindowMs = 999 } }), "rateLimit.timeWindowMs" },
        { "rateLimit.timeWindowMs of a year", KeyCreate, Json(new { name = "k", rateLimit = new { maxRequests = 10, timeWindowMs = 365L * 24 * 3600 * 1000 } }), "rateLimit.timeWindowMs" },
        { "an empty rateLimit", KeyCreate, Json(new { name = "k", rateLimit = new { } }), "rateLimit.maxRequests" },
        { "an unknown action", KeyCreate, Json(new { name = "k", permissions = new { user = new[] { "fly" } } }), "permissions" },
        { "an unknown resource", KeyCreate, Json(new { name = "k", permissions = new { spaceship = new[] { "read" } } }), "permissions" },
        { "a known action of another resource", KeyCreate, Json(new { name = "k", permissions = new { member = new[] { "list" } } }), "permissions" },
        { "an empty action list", KeyCreate, Json(new { name = "k", permissions = new { member = Array.Empty<string>() } }), "permissions" },
        { "a 129-character organizationId", KeyCreate, Json(new { name = "k", organizationId = new string('o', 129) }), "organizationId" },
        { "a 129-character keyId", KeyDelete, Json(new { keyId = new string('k', 129) }), "keyId" },
        { "a 257-character key", KeyVerify, Json(new { key = new string('k', 257) }), "key" },
        { "an empty permissions object", KeyVerify, Json(new { key = "{key}", permissions = new { } }), "permissions" },
    };

    /// <summary>Values of the wrong JSON type: refused by the binder or by validation, either way naming the field.</summary>
    public static TheoryData<string, string, string, string> WrongTypeCases() => new()
    {
        { "a number for the name", Create, """{"name":1,"slug":"{slug}"}""", "name" },
        { "true for the slug", Create, """{"name":"N","slug":true}""", "slug" },
        { "an array for the body", Create, """[{"name":"N","slug":"{slug}"}]""", "body" },
        { "a number for the userId", AddMember, """{"userId":7,"role":"member"}""", "userId" },
        { "an array for the organizationId", AddMember, """{"organizationId":["{org}"],"userId":"{outsider}","role":"member"}""", "organizationId" },
        { "a number for the role", AddMember, """{"userId":"{outsider}","role":1}""", "role" },
        { "an object for the role", AddMember, """{"userId":"{outsider}","role":{"0":"member"}}""", "role" },
        { "numbers in the role array", AddMember, """{"userId":"{outsider}","role":[1,2]}""", "role" },
        { "true for the role", UpdateMemberRole, """{"userId":"{target}","role":true}""", "role" },
        { "an object for the userId", UpdateMemberRole, """{"userId":{"id":"{target}"},"role":"admin"}""", "userId" },
        { "an object for the userId", RemoveMember, """{"userId":{"id":"{target}"}}""", "userId" },
        { "a number for the organizationId", SetActive, """{"organizationId":5}""", "organizationId" },
        { "an object for the organizationId", SetActive, """{"organizationId":{"id":"{org}"}}""", "organizationId" },
        { "an array for the permissions object", HasPermission, """{"permissions":["member:create"]}""", "permissions" },
        { "a string for the permissions object", HasPermission, """{"permissions":"member:create"}""", "permissions" },
        { "an object for an action array", HasPermission, """{"permissions":{"member":{"create":true}}}""", "permissions.member" },
        { "numbers in an action array", HasPermission, """{"permissions":{"member":[1]}}""", "permissions.member" },
        { "a number for the organizationId", HasPermission, """{"permissions":{"member":["create"]},"organizationId":1}""", "organizationId" },
        { "a number for the name", KeyCreate, """{"name":5}""", "name" },
        { "a string for expiresIn", KeyCreate, """{"name":"k","expiresIn":"3600"}""", "expiresIn" },
        { "a string of 60 for expiresIn", KeyCreate, """{"name":"k","expiresIn":"60"}""", "expiresIn" },
        { "a fraction for expiresIn", KeyCreate, """{"name":"k","expiresIn":3600.5}""", "expiresIn" },
        { "an expiresIn beyond a long", KeyCreate, """{"name":"k","expiresIn":1e30}""", "expiresIn" },
        { "a string for rateLimit", KeyCreate, """{"name":"k","rateLimit":"fast"}""", "rateLimit" },
        { "an array for rateLimit", KeyCreate, """{"name":"k","rateLimit":[10,60000]}""", "rateLimit" },
        { "a string for rateLimit.maxRequests", KeyCreate, """{"name":"k","rateLimit":{"maxRequests":"10","timeWindowMs":60000}}""", "rateLimit.maxRequests" },
        { "a rateLimit.maxRequests beyond an int", KeyCreate, """{"name":"k","rateLimit":{"maxRequests":2147483648,"timeWindowMs":60000}}""", "rateLimit.maxRequests" },
        { "a string for rateLimit.timeWindowMs", KeyCreate, """{"name":"k","rateLimit":{"maxRequests":10,"timeWindowMs":"60000"}}""", "rateLimit.timeWindowMs" },
        { "an array for the permissions object", KeyCreate, """{"name":"k","permissions":["member:create"]}""", "permissions" },
        { "a string for the permissions object", KeyCreate, """{"name":"k","permissions":"all"}""", "permissions" },
        { "a string for an action array", KeyCreate, """{"name":"k","permissions":{"member":"create"}}""", "permissions.member" },
        { "a number for the organizationId", KeyCreate, """{"name":"k","organizationId":42}""", "organizationId" },
        { "a number for the keyId", KeyDelete, """{"keyId":1}""", "keyId" },
        { "an array for the keyId", KeyDelete, """{"keyId":["{keyId}"]}""", "keyId" },
        { "a number for the key", KeyVerify, """{"key":123}""", "key" },
        { "a string for the permissions", KeyVerify, """{"key":"{key}","permissions":"member:create"}""", "permissions" },
    };

    public static TheoryData<string, string, string> SqlLikeCases() => new()
    {
        { AddMember, Json(new { userId = SqlOr, role = "member" }), "userId" },
        { AddMember, Json(new { organizationId = SqlDrop, userId = "{outsider}", role = "member" }), "organizationId" },
        { AddMember, Json(new { organizationId = "{org}" + SqlOr, userId = "{outsider}", role = "member" }), "organizationId" },
        { UpdateMemberRole, Json(new { userId = "{target}" + SqlOr, role = "owner" }), "userId" },
        { UpdateMemberRole, Json(new { organizationId = SqlOr, userId = "{target}", role = "owner" }), "organizationId" },
        { RemoveMember, Json(new { userId = SqlDrop }), "userId" },
        { RemoveMember, Json(new { organizationId = SqlOr, userId = "{target}" }), "organizationId" },
        { SetActive, Json(new { organizationId = SqlDrop }), "organizationId" },
        { SetActive, Json(new { organizationId = "{org}/x" }), "organizationId" },
        { HasPermission, Json(new { permissions = new { member = new[] { "create" } }, organizationId = SqlOr }), "organizationId" },
        { KeyCreate, Json(new { name = "k", organizationId = SqlDrop }), "organizationId" },
        { KeyDelete, Json(new { keyId = SqlOr }), "keyId" },
        { KeyDelete, Json(new { keyId = "{keyId}" + SqlDrop }), "keyId" },
        { KeyDelete, Json(new { keyId = "%" }), "keyId" },
    };

    public static TheoryData<string, string> UnknownRoleCases() => new()
    {
        { AddMember, """{"userId":"{outsider}","role":"superuser"}""" },
        { AddMember, """{"userId":"{outsider}","role":"OWNER"}""" },
        { AddMember, """{"userId":"{outsider}","role":"platform_admin"}""" },
        { AddMember, """{"userId":"{outsider}","role":"member,god"}""" },
        { AddMember, """{"userId":"{outsider}","role":["member","god"]}""" },
        { AddMember, """{"userId":"{outsider}","role":""}""" },
        { AddMember, """{"userId":"{outsider}","role":[]}""" },
        { AddMember, """{"userId":"{outsider}","role":" , "}""" },
        { UpdateMemberRole, """{"userId":"{target}","role":"superuser"}""" },
        { UpdateMemberRole, """{"userId":"{target}","role":"Admin"}""" },
        { UpdateMemberRole, """{"userId":"{target}","role":"org_member"}""" },
        { UpdateMemberRole, """{"userId":"{target}","role":["owner","root"]}""" },
        { UpdateMemberRole, """{"userId":"{target}","role":""}""" },
        { UpdateMemberRole, """{"userId":"{target}","role":[]}""" },
        { UpdateMemberRole, """{"userId":"{owner}","role":"'; DROP TABLE members; --"}""" },
    };

    /// <summary>Well-formed ids of nothing, or of something the caller is not part of: 404, and nothing changes.</summary>
    public static TheoryData<string, string> UnknownIdCases() => new()
    {
        { AddMember, """{"userId":"{unknownId}","role":"member"}""" },
        { AddMember, """{"organizationId":"{unknownId}","userId":"{outsider}","role":"member"}""" },
        { UpdateMemberRole, """{"userId":"{unknownId}","role":"admin"}""" },
        { UpdateMemberRole, """{"userId":"{outsider}","role":"admin"}""" },
        { UpdateMemberRole, """{"organizationId":"{unknownId}","userId":"{target}","role":"admin"}""" },
        { RemoveMember, """{"userId":"{unknownId}"}""" },
        { RemoveMember, """{"userId":"{outsider}"}""" },
        { RemoveMember, """{"organizationId":"{unknownId}","userId":"{target}"}""" },
        { SetActive, """{"organizationId":"{unknownId}"}""" },
        { KeyCreate, """{"name":"k","organizationId":"{unknownId}"}""" },
        { KeyDelete, """{"keyId":"{unknownId}"}""" },
        { KeyDelete, """{"keyId":"AAAAAAAAAAAAAAAAAAAAAA"}""" },
    };

    public static TheoryData<string, string?> BadGetFullQueries() => new()
    {
        { "organizationId=" + Uri.EscapeDataString(SqlOr), "organizationId" },
        { "organizationId=" + Uri.EscapeDataString(SqlDrop), "organizationId" },
        { "organizationId=" + new string('o', 129), "organizationId" },
        { "organizationId=%00", "organizationId" },
        { "organizationId=a%2Fb", "organizationId" },
        { "organizationId=x&organizationId=y", null },
    };

    [Theory]
    [MemberData(nameof(MalformedJsonCases))]
    public async Task MalformedJsonIsAValidationProblemAndChangesNothing(string endpoint, string body)
    {
        var problem = await RefusedAsync(endpoint, body, scenario: endpoint);
        Assert.Contains("JSON", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EmptyBodyCases))]
    public async Task AnEmptyBodyIsAValidationProblemNamingEveryRequiredField(string endpoint, string body, string requiredFields)
    {
        var problem = await RefusedAsync(endpoint, body, scenario: endpoint);
        Assert.Equal(requiredFields.Split(',').Order(), FieldErrors(problem).Order());
    }

    [Theory]
    [MemberData(nameof(MissingFieldCases))]
    public async Task AMissingFieldIsAValidationProblemNamingItAndChangesNothing(string endpoint, string body)
    {
        var problem = await RefusedAsync(endpoint, body, scenario: $"{endpoint} {body}");
        Assert.NotEmpty(FieldErrors(problem));
    }

    [Theory]
    [MemberData(nameof(OutOfRangeCases))]
    public async Task AnOutOfRangeFieldIsAValidationProblemNamingItAndChangesNothing(string scenario, string endpoint, string body, string field)
    {
        var problem = await RefusedAsync(endpoint, body, scenario: $"{endpoint}: {scenario}");
        Assert.Contains(field, FieldErrors(problem));
    }

    [Theory]
    [MemberData(nameof(WrongTypeCases))]
    public async Task AValueOfTheWrongJsonTypeIsAValidationProblemNamingItAndChangesNothing(string scenario, string endpoint, string body, string field)
    {
        var problem = await RefusedAsync(endpoint, body, scenario: $"{endpoint}: {scenario}");
        Assert.Contains(field, FieldErrors(problem));
    }

    [Theory]
    [MemberData(nameof(SqlLikeCases))]
    public async Task AnSqlLikeIdIsAValidationProblemAndChangesNothing(string endpoint, string body, string field)
    {
        var problem = await RefusedAsync(endpoint, body, scenario: $"{endpoint} {body}");
        Assert.Contains(field, FieldErrors(problem));
        Assert.True(await postgres.ScalarAsync<bool>("SELECT to_regclass('organizations') IS NOT NULL AND to_regclass('members') IS NOT NULL AND to_regclass('api_keys') IS NOT NULL"));
    }

    [Fact]
    public async Task AnSqlLikeNameIsStoredVerbatimAndDropsNothing()
    {
        var scene = await SceneAsync();
        var name = $"Robert'); DROP TABLE organizations; -- {Guid.NewGuid():N}"[..64];

        using var organization = await SendAsync(HttpMethod.Post, Create, scene.OwnerToken, Json(new { name, slug = NewSlug() }));
        using var key = await SendAsync(HttpMethod.Post, KeyCreate, scene.OwnerToken, Json(new { name }));

        Assert.Equal(HttpStatusCode.OK, organization.StatusCode);
        Assert.Equal(HttpStatusCode.OK, key.StatusCode);
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM organizations WHERE name = $1", name));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE name = $1", name));
    }

    [Theory]
    [MemberData(nameof(UnknownRoleCases))]
    public async Task AnUnknownMemberRoleIsAValidationProblemAndChangesNothing(string endpoint, string body)
    {
        var problem = await RefusedAsync(endpoint, body, scenario: body);
        Assert.Contains("role", FieldErrors(problem));
    }

    [Theory]
    [MemberData(nameof(UnknownIdCases))]
    public async Task AWellFormedButUnknownIdIsNotFoundAndChangesNothing(string endpoint, string body)
    {
        await RefusedAsync(endpoint, body, scenario: $"{endpoint} {body}", status: HttpStatusCode.NotFound, code: "NOT_FOUND");
    }

    [Fact]
    public async Task GetFullOrganizationOfAnUnknownIdIsNotFound()
    {
        var scene = await SceneAsync();

        using var response = await SendAsync(HttpMethod.Get, $"{GetFull}?organizationId={Guid.NewGuid():N}", scene.OwnerToken, null);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Theory]
    [MemberData(nameof(BadGetFullQueries))]
    public async Task ABadGetFullOrganizationQueryIsAValidationProblem(string query, string? field)
    {
        var scene = await SceneAsync();

        using var response = await SendAsync(HttpMethod.Get, $"{GetFull}?{query}", scene.OwnerToken, null);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED", query);
        if (field is not null)
        {
            Assert.Contains(field, FieldErrors(problem));
        }
    }

    [Theory]
    [MemberData(nameof(BodyEndpointNames))]
    public async Task ABodyThatIsNotJsonIsAnUnsupportedMediaTypeAndChangesNothing(string endpoint)
    {
        var body = """{"name":"N","slug":"{slug}","userId":"{outsider}","role":"member","organizationId":"{org}","keyId":"{keyId}","key":"{key}","permissions":{"member":["create"]}}""";

        await RefusedAsync(endpoint, body, scenario: endpoint, status: HttpStatusCode.UnsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE", contentType: "text/plain");
    }

    [Theory]
    [MemberData(nameof(AllEndpointCases))]
    public async Task WithoutACredentialEveryEndpointIsUnauthorizedBeforeTheBodyIsRead(string method, string endpoint, string? body)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        foreach (var sent in new[] { body is null ? null : scene.Fill(body), method == "POST" ? MalformedBodies[0] : null })
        {
            using var response = await SendAsync(new HttpMethod(method), endpoint, null, sent);

            var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED", $"{endpoint} {sent}");
            Assert.EndsWith("redirect=" + Uri.EscapeDataString(endpoint), problem.GetProperty("details").GetProperty("signInUrl").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await StateAsync(scene));
    }

    [Theory]
    [MemberData(nameof(InvalidApiKeyCases))]
    public async Task AnUnknownOrMalformedApiKeyIsUnauthorizedOnEveryEndpoint(string method, string endpoint, string? body, string key)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var response = await SendAsync(new HttpMethod(method), endpoint, null, body is null ? null : scene.Fill(body), apiKey: scene.Fill(key));

        var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED", $"{endpoint} x-api-key: {key}");
        Assert.Equal(JsonValueKind.String, problem.GetProperty("details").GetProperty("signInUrl").ValueKind);
        Assert.Equal(before, await StateAsync(scene));
    }

    [Theory]
    [MemberData(nameof(SessionOnlyCases))]
    public async Task AnApiKeyOnASessionOnlyEndpointIsForbiddenBeforeTheBodyIsRead(string endpoint, string body)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var viaHeader = await SendAsync(HttpMethod.Post, endpoint, null, scene.Fill(body), apiKey: scene.Key);
        using var viaBearer = await SendAsync(HttpMethod.Post, endpoint, scene.Key, scene.Fill(body));

        foreach (var response in new[] { viaHeader, viaBearer })
        {
            var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden, "FORBIDDEN", $"{endpoint} {body}");
            Assert.Equal(new[] { "session" }, Required(problem));
        }

        Assert.Equal(before, await StateAsync(scene));
    }

    /// <summary>Text Postgres cannot store (a lone surrogate) and JSON nested past the reader's depth: 400, never a 500.</summary>
    [Theory]
    [InlineData(Create, """{"name":"Half \ud800 pair","slug":"{slug}"}""")]
    [InlineData(KeyCreate, """{"name":"Half \udfff pair"}""")]
    [InlineData(AddMember, """{"userId":"\ud800","role":"member"}""")]
    [InlineData(KeyVerify, """{"key":"tg_\ud800"}""")]
    public async Task TextThatIsNotUnicodeIsAValidationProblemAndChangesNothing(string endpoint, string body)
    {
        await RefusedAsync(endpoint, body, scenario: $"{endpoint} {body}");
    }

    [Theory]
    [InlineData(HasPermission)]
    [InlineData(KeyCreate)]
    [InlineData(KeyVerify)]
    [InlineData(AddMember)]
    public async Task JsonNestedTooDeeplyIsAValidationProblemAndChangesNothing(string endpoint)
    {
        var deep = new string('[', 1000) + new string(']', 1000);
        var body = $$"""{"name":"k","key":"{key}","userId":"{outsider}","permissions":{"member":{{deep}}},"role":{{deep}}}""";

        await RefusedAsync(endpoint, body, scenario: endpoint);
    }

    [Fact]
    public async Task TheLastOwnerCannotBeRemovedOrDemoted()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var removed = await SendAsync(HttpMethod.Post, RemoveMember, scene.OwnerToken, scene.Fill("""{"userId":"{owner}"}"""));
        using var removedByKey = await SendAsync(HttpMethod.Post, RemoveMember, null, scene.Fill("""{"organizationId":"{org}","userId":"{owner}"}"""), apiKey: scene.Key);
        using var demoted = await SendAsync(HttpMethod.Post, UpdateMemberRole, scene.OwnerToken, scene.Fill("""{"userId":"{owner}","role":"admin"}"""));
        using var demotedToMany = await SendAsync(HttpMethod.Post, UpdateMemberRole, scene.OwnerToken, scene.Fill("""{"userId":"{owner}","role":["admin","member"]}"""));

        await AssertProblemAsync(removed, (HttpStatusCode)422, "LAST_OWNER", "remove");
        await AssertProblemAsync(removedByKey, (HttpStatusCode)422, "LAST_OWNER", "remove by the org key");
        await AssertProblemAsync(demoted, (HttpStatusCode)422, "LAST_OWNER", "demote");
        await AssertProblemAsync(demotedToMany, (HttpStatusCode)422, "LAST_OWNER", "demote to admin,member");
        Assert.Equal(before, await StateAsync(scene));
        Assert.Equal("owner", (await StateAsync(scene)).OwnerRole);
    }

    [Fact]
    public async Task AnAdminCannotGrantOrTakeOwnership()
    {
        var scene = await SceneAsync();
        var admin = await Client.SignUpAsync(AuthTestClient.NewEmail("org-admin"));
        using (var added = await SendAsync(HttpMethod.Post, AddMember, scene.OwnerToken, Json(new { userId = admin.UserId, role = "admin" })))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        var before = await StateAsync(scene);
        var org = scene.OrganizationId;

        using var promote = await SendAsync(HttpMethod.Post, UpdateMemberRole, admin.Token, Json(new { organizationId = org, userId = scene.TargetId, role = "owner" }));
        using var promoteSelf = await SendAsync(HttpMethod.Post, UpdateMemberRole, admin.Token, Json(new { organizationId = org, userId = admin.UserId, role = new[] { "admin", "owner" } }));
        using var addOwner = await SendAsync(HttpMethod.Post, AddMember, admin.Token, Json(new { organizationId = org, userId = scene.OutsiderId, role = "owner" }));
        using var demoteOwner = await SendAsync(HttpMethod.Post, UpdateMemberRole, admin.Token, Json(new { organizationId = org, userId = scene.OwnerId, role = "member" }));
        using var removeOwner = await SendAsync(HttpMethod.Post, RemoveMember, admin.Token, Json(new { organizationId = org, userId = scene.OwnerId }));

        foreach (var (name, response) in new[] { ("promote", promote), ("promote self", promoteSelf), ("add owner", addOwner), ("demote owner", demoteOwner), ("remove owner", removeOwner) })
        {
            var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden, "FORBIDDEN", name);
            Assert.Equal(new[] { "role:owner" }, Required(problem));
        }

        Assert.Equal(before, await StateAsync(scene));
        Assert.Equal("admin", await postgres.ScalarAsync<string>("SELECT role FROM members WHERE organization_id = $1 AND user_id = $2", org, admin.UserId));
    }

    [Fact]
    public async Task APlainMemberCannotChangeMembersAndIsToldWhichPermission()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);
        var org = scene.OrganizationId;

        using var add = await SendAsync(HttpMethod.Post, AddMember, scene.TargetToken, Json(new { organizationId = org, userId = scene.OutsiderId, role = "member" }));
        using var update = await SendAsync(HttpMethod.Post, UpdateMemberRole, scene.TargetToken, Json(new { organizationId = org, userId = scene.TargetId, role = "admin" }));
        using var remove = await SendAsync(HttpMethod.Post, RemoveMember, scene.TargetToken, Json(new { organizationId = org, userId = scene.OwnerId }));
        using var key = await SendAsync(HttpMethod.Post, KeyCreate, scene.TargetToken, Json(new { name = "member's org key", organizationId = org }));
        using var deleteKey = await SendAsync(HttpMethod.Post, KeyDelete, scene.TargetToken, Json(new { keyId = scene.KeyId }));

        Assert.Equal(new[] { "member:create" }, Required(await AssertProblemAsync(add, HttpStatusCode.Forbidden, "FORBIDDEN", "add")));
        Assert.Equal(new[] { "member:update" }, Required(await AssertProblemAsync(update, HttpStatusCode.Forbidden, "FORBIDDEN", "update")));
        Assert.Equal(new[] { "member:delete" }, Required(await AssertProblemAsync(remove, HttpStatusCode.Forbidden, "FORBIDDEN", "remove")));
        Assert.Equal(new[] { "apiKey:create" }, Required(await AssertProblemAsync(key, HttpStatusCode.Forbidden, "FORBIDDEN", "create key")));
        Assert.Equal(new[] { "apiKey:delete" }, Required(await AssertProblemAsync(deleteKey, HttpStatusCode.Forbidden, "FORBIDDEN", "delete key")));
        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task AKeyLimitedToOtherPermissionsCannotChangeMembers()
    {
        var scene = await SceneAsync();
        var limited = await CreateKeyAsync(scene.OwnerToken, new { name = "read only", organizationId = scene.OrganizationId, permissions = new { apiKey = new[] { "read" } } });
        var before = await StateAsync(scene);

        using var add = await SendAsync(HttpMethod.Post, AddMember, null, Json(new { userId = scene.OutsiderId, role = "member" }), apiKey: limited.Key);
        using var remove = await SendAsync(HttpMethod.Post, RemoveMember, null, Json(new { userId = scene.TargetId }), apiKey: limited.Key);
        using var delete = await SendAsync(HttpMethod.Post, KeyDelete, null, Json(new { keyId = scene.KeyId }), apiKey: limited.Key);

        Assert.Equal(new[] { "member:create" }, Required(await AssertProblemAsync(add, HttpStatusCode.Forbidden, "FORBIDDEN", "add")));
        Assert.Equal(new[] { "member:delete" }, Required(await AssertProblemAsync(remove, HttpStatusCode.Forbidden, "FORBIDDEN", "remove")));
        Assert.Equal(new[] { "apiKey:delete" }, Required(await AssertProblemAsync(delete, HttpStatusCode.Forbidden, "FORBIDDEN", "delete")));
        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task ANonMemberSeesNothingOfTheOrganization()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);
        var org = scene.OrganizationId;

        using var full = await SendAsync(HttpMethod.Get, $"{GetFull}?organizationId={org}", scene.OutsiderToken, null);
        using var permission = await SendAsync(HttpMethod.Post, HasPermission, scene.OutsiderToken, Json(new { permissions = new { member = new[] { "create" } }, organizationId = org }));
        using var setActive = await SendAsync(HttpMethod.Post, SetActive, scene.OutsiderToken, Json(new { organizationId = org }));
        using var add = await SendAsync(HttpMethod.Post, AddMember, scene.OutsiderToken, Json(new { organizationId = org, userId = scene.OutsiderId, role = "owner" }));
        using var remove = await SendAsync(HttpMethod.Post, RemoveMember, scene.OutsiderToken, Json(new { organizationId = org, userId = scene.TargetId }));
        using var update = await SendAsync(HttpMethod.Post, UpdateMemberRole, scene.OutsiderToken, Json(new { organizationId = org, userId = scene.OwnerId, role = "member" }));
        using var key = await SendAsync(HttpMethod.Post, KeyCreate, scene.OutsiderToken, Json(new { name = "intruder", organizationId = org }));
        using var deleteKey = await SendAsync(HttpMethod.Post, KeyDelete, scene.OutsiderToken, Json(new { keyId = scene.KeyId }));
        using var verify = await SendAsync(HttpMethod.Post, KeyVerify, scene.OutsiderToken, Json(new { key = scene.Key }));
        using var list = await SendAsync(HttpMethod.Get, ListOrganizations, scene.OutsiderToken, null);
        using var keys = await SendAsync(HttpMethod.Get, KeyList, scene.OutsiderToken, null);

        foreach (var (name, response) in new[] { ("get-full", full), ("set-active", setActive), ("add", add), ("remove", remove), ("update", update), ("create key", key), ("delete key", deleteKey) })
        {
            await AssertProblemAsync(response, HttpStatusCode.NotFound, "NOT_FOUND", name);
        }

        Assert.Equal(HttpStatusCode.OK, permission.StatusCode);
        var answer = await AuthTestClient.Json(permission);
        Assert.False(answer.GetProperty("success").GetBoolean());
        Assert.Equal(new[] { "apiKey:verify" }, Required(await AssertProblemAsync(verify, HttpStatusCode.Forbidden, "FORBIDDEN", "verify")));
        Assert.Equal("[]", await list.Content.ReadAsStringAsync());
        Assert.Equal(0, (await AuthTestClient.Json(keys)).GetProperty("apiKeys").GetArrayLength());
        Assert.Equal(before, await StateAsync(scene));
        Assert.Null(await postgres.ScalarAsync<string>("SELECT active_organization_id FROM sessions WHERE user_id = $1", scene.OutsiderId));
    }

    [Fact]
    public async Task HasPermissionWithoutAnyOrganizationIsNoActiveOrganization()
    {
        var scene = await SceneAsync();
        var personal = await CreateKeyAsync(scene.OutsiderToken, new { name = "personal" });
        var before = await StateAsync(scene);
        var body = Json(new { permissions = new { member = new[] { "create" } } });

        using var bySession = await SendAsync(HttpMethod.Post, HasPermission, scene.OutsiderToken, body);
        using var byKey = await SendAsync(HttpMethod.Post, HasPermission, null, body, apiKey: personal.Key);
        using var full = await SendAsync(HttpMethod.Get, GetFull, scene.OutsiderToken, null);

        await AssertProblemAsync(bySession, HttpStatusCode.BadRequest, "NO_ACTIVE_ORGANIZATION", "session");
        await AssertProblemAsync(byKey, HttpStatusCode.BadRequest, "NO_ACTIVE_ORGANIZATION", "personal key");
        await AssertProblemAsync(full, HttpStatusCode.BadRequest, "NO_ACTIVE_ORGANIZATION", "get-full-organization");
        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task ADuplicateSlugIsOrganizationAlreadyExistsAndAddsNoRow()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var again = await SendAsync(HttpMethod.Post, Create, scene.OwnerToken, Json(new { name = "Again", slug = scene.Slug }));
        using var byOther = await SendAsync(HttpMethod.Post, Create, scene.OutsiderToken, Json(new { name = "Squatter", slug = scene.Slug }));
        using var padded = await SendAsync(HttpMethod.Post, Create, scene.OutsiderToken, Json(new { name = "Padded", slug = $"  {scene.Slug}\t" }));

        foreach (var (name, response) in new[] { ("same owner", again), ("another user", byOther), ("padded", padded) })
        {
            await AssertProblemAsync(response, (HttpStatusCode)422, "ORGANIZATION_ALREADY_EXISTS", name);
        }

        Assert.Equal(before, await StateAsync(scene));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM organizations WHERE slug = $1", scene.Slug));
        Assert.Equal(scene.OrganizationId, await postgres.ScalarAsync<string>("SELECT organization_id FROM organization_slugs WHERE slug = $1", scene.Slug));
        Assert.Null(await postgres.ScalarAsync<string>("SELECT active_organization_id FROM sessions WHERE user_id = $1", scene.OutsiderId));
    }

    [Fact]
    public async Task AddingAnExistingMemberIsMemberAlreadyExistsAndKeepsItsRole()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var target = await SendAsync(HttpMethod.Post, AddMember, scene.OwnerToken, Json(new { userId = scene.TargetId, role = "admin" }));
        using var owner = await SendAsync(HttpMethod.Post, AddMember, scene.OwnerToken, Json(new { userId = scene.OwnerId, role = "member" }));
        using var byKey = await SendAsync(HttpMethod.Post, AddMember, null, Json(new { userId = scene.TargetId, role = "owner" }), apiKey: scene.Key);

        await AssertProblemAsync(target, (HttpStatusCode)422, "MEMBER_ALREADY_EXISTS", "target as admin");
        await AssertProblemAsync(owner, (HttpStatusCode)422, "MEMBER_ALREADY_EXISTS", "owner as member");
        await AssertProblemAsync(byKey, (HttpStatusCode)422, "MEMBER_ALREADY_EXISTS", "target as owner, by key");
        Assert.Equal(before, await StateAsync(scene));
        Assert.Equal(("owner", "member"), ((await StateAsync(scene)).OwnerRole, (await StateAsync(scene)).TargetRole));
    }

    [Fact]
    public async Task VerifyingAnUnknownKeyIsOkButInvalidForAPlatformAdminAndForbiddenForOthers()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        foreach (var key in new[] { scene.Fill("{unknownKey}"), "tg_short", SqlOr, scene.Key[..^1] + (scene.Key[^1] == 'A' ? 'B' : 'A') })
        {
            using var byAdmin = await SendAsync(HttpMethod.Post, KeyVerify, api.AdminToken, Json(new { key }));
            using var byOwner = await SendAsync(HttpMethod.Post, KeyVerify, scene.OwnerToken, Json(new { key }));

            Assert.True(byAdmin.StatusCode == HttpStatusCode.OK, $"{key}: {(int)byAdmin.StatusCode} {await byAdmin.Content.ReadAsStringAsync()}");
            var answer = await AuthTestClient.Json(byAdmin);
            Assert.False(answer.GetProperty("valid").GetBoolean());
            Assert.Equal("INVALID_API_KEY", answer.GetProperty("error").GetProperty("code").GetString());
            Assert.Equal(JsonValueKind.Null, answer.GetProperty("key").ValueKind);
            Assert.Equal(new[] { "apiKey:verify" }, Required(await AssertProblemAsync(byOwner, HttpStatusCode.Forbidden, "FORBIDDEN", key)));
        }

        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task VerifyingALimitedKeyForAnUnknownPermissionIsNotAllowedAndKeepsTheKey()
    {
        var scene = await SceneAsync();
        var limited = await CreateKeyAsync(scene.OwnerToken, new { name = "limited", organizationId = scene.OrganizationId, permissions = new { member = new[] { "create" } } });
        var before = await StateAsync(scene);

        using var response = await SendAsync(HttpMethod.Post, KeyVerify, api.AdminToken, Json(new { key = limited.Key, permissions = new { user = new[] { "fly" } } }));
        using var again = await SendAsync(HttpMethod.Post, KeyVerify, api.AdminToken, Json(new { key = limited.Key, permissions = new { member = new[] { "create" } } }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await AuthTestClient.Json(response);
        Assert.False(answer.GetProperty("valid").GetBoolean());
        Assert.Equal("KEY_NOT_ALLOWED", answer.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(limited.Id, answer.GetProperty("key").GetProperty("id").GetString());
        Assert.True((await AuthTestClient.Json(again)).GetProperty("valid").GetBoolean());
        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task AMemberLeavingIsAllowedButAnUnknownMemberLeavingIsNotFound()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        // The outsider "leaving" an organization it is not in.
        using var outsiderLeaves = await SendAsync(HttpMethod.Post, RemoveMember, scene.OutsiderToken, Json(new { organizationId = scene.OrganizationId, userId = scene.OutsiderId }));

        await AssertProblemAsync(outsiderLeaves, HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(before, await StateAsync(scene));
    }

    /// <summary>
    /// api.md: a key acts "limited to its permissions": a key limited to member:create may not read the
    /// organization's keys (their names, owners, permissions, limits).
    /// </summary>
    [Fact]
    public async Task AKeyWithoutApiKeyReadCannotListTheOrganizationsKeys()
    {
        var scene = await SceneAsync();
        var limited = await CreateKeyAsync(scene.OwnerToken, new { name = "members only", organizationId = scene.OrganizationId, permissions = new { member = new[] { "create" } } });

        using var response = await SendAsync(HttpMethod.Get, KeyList, null, null, apiKey: limited.Key);

        var text = await response.Content.ReadAsStringAsync();
        Assert.False(response.StatusCode == HttpStatusCode.OK && text.Contains(scene.KeyId, StringComparison.Ordinal), $"{(int)response.StatusCode}: {text}");
    }

    /// <summary>
    /// api.md documents set-active with an organizationId, null clearing it; where it is silent better-auth rules,
    /// and better-auth's set-active without an organizationId keeps (and answers) the active organization. An empty
    /// body, <c>{}</c> or <c>null</c> must not sign the session out of its organization.
    /// </summary>
    [Theory]
    [InlineData("{}")]
    [InlineData("")]
    [InlineData("null")]
    public async Task SetActiveWithoutAnOrganizationIdKeepsTheActiveOrganization(string body)
    {
        var scene = await SceneAsync();

        using var response = await SendAsync(HttpMethod.Post, SetActive, scene.OwnerToken, body);

        Assert.Equal(scene.OrganizationId, await postgres.ScalarAsync<string>("SELECT active_organization_id FROM sessions WHERE user_id = $1", scene.OwnerId));
    }

    [Fact]
    public async Task SetActiveWithAnExplicitNullClearsTheActiveOrganization()
    {
        var scene = await SceneAsync();

        using var response = await SendAsync(HttpMethod.Post, SetActive, scene.OwnerToken, """{"organizationId":null}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("null", await response.Content.ReadAsStringAsync());
        Assert.Null(await postgres.ScalarAsync<string>("SELECT active_organization_id FROM sessions WHERE user_id = $1", scene.OwnerId));
    }

    private static string NewSlug() => "s-" + Guid.NewGuid().ToString("N");

    private AuthTestClient Client => new(api.Http(postgres.ConnectionString));

    private Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, string? token, string? body, string contentType = "application/json", string? apiKey = null) =>
        api.Http(postgres.ConnectionString).SendRawAsync(method, path, token, body, contentType, apiKey);

    /// <summary>In a fresh scene the owner posts <paramref name="body"/> (placeholders filled): the problem comes back, and nothing changed.</summary>
    private async Task<JsonElement> RefusedAsync(
        string endpoint, string body, string? scenario = null, HttpStatusCode status = HttpStatusCode.BadRequest, string code = "VALIDATION_FAILED",
        string contentType = "application/json")
    {
        var scene = await SceneAsync();
        return await AssertRefusedAndUnchangedAsync(
            () => StateAsync(scene), () => SendAsync(HttpMethod.Post, endpoint, scene.OwnerToken, scene.Fill(body), contentType), status, code, scenario);
    }

    private async Task<(string Id, string Key)> CreateKeyAsync(string token, object body)
    {
        using var response = await SendAsync(HttpMethod.Post, KeyCreate, token, Json(body));
        var created = await AuthTestClient.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"api-key/create: {(int)response.StatusCode} {created}");
        return (created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);
    }

    /// <summary>
    /// A fresh owner with a fresh organization (active in its session), a plain member of it (the target), a user
    /// outside it, and an organization key of the owner's.
    /// </summary>
    private async Task<Scene> SceneAsync()
    {
        await api.EnsureAdminAsync(postgres.ConnectionString);
        var client = Client;
        var owner = await client.SignUpAsync(AuthTestClient.NewEmail("org-owner"));
        var slug = NewSlug();
        using var created = await SendAsync(HttpMethod.Post, Create, owner.Token, Json(new { name = "Acme " + slug, slug }));
        var organization = await AuthTestClient.Json(created);
        Assert.True(created.StatusCode == HttpStatusCode.OK, $"organization/create: {(int)created.StatusCode} {organization}");
        var organizationId = organization.GetProperty("id").GetString()!;
        var target = await client.SignUpAsync(AuthTestClient.NewEmail("org-target"));
        using (var added = await SendAsync(HttpMethod.Post, AddMember, owner.Token, Json(new { userId = target.UserId, role = "member" })))
        {
            Assert.True(added.StatusCode == HttpStatusCode.OK, $"add-member: {(int)added.StatusCode} {await added.Content.ReadAsStringAsync()}");
        }

        var outsider = await client.SignUpAsync(AuthTestClient.NewEmail("org-outsider"));
        var (keyId, key) = await CreateKeyAsync(owner.Token, new { name = "org key", organizationId });
        return new Scene(owner.Token, owner.UserId, organizationId, slug, target.Token, target.UserId, outsider.Token, outsider.UserId, keyId, key);
    }

    private async Task<State> StateAsync(Scene scene)
    {
        // The organization key still acts in its organization.
        using var keyUse = await SendAsync(HttpMethod.Get, ListOrganizations, null, null, apiKey: scene.Key);
        var keyWorks = keyUse.StatusCode == HttpStatusCode.OK && (await keyUse.Content.ReadAsStringAsync()).Contains(scene.OrganizationId, StringComparison.Ordinal);
        // One query, so the snapshot is one consistent read.
        var rows = (await postgres.ScalarAsync<string>(
            """
            SELECT concat_ws('|',
                (SELECT count(*) FROM organizations), (SELECT count(*) FROM organization_slugs), (SELECT count(*) FROM members),
                (SELECT count(*) FROM api_keys), (SELECT count(*) FROM interactions),
                coalesce((SELECT role FROM members WHERE organization_id = $1 AND user_id = $2), '-'),
                coalesce((SELECT role FROM members WHERE organization_id = $1 AND user_id = $3), '-'),
                coalesce((SELECT string_agg(coalesce(active_organization_id, '-'), ',') FROM sessions WHERE user_id = $2), '-'))
            """, scene.OrganizationId, scene.OwnerId, scene.TargetId))!.Split('|');
        return new State(
            long.Parse(rows[0], CultureInfo.InvariantCulture), long.Parse(rows[1], CultureInfo.InvariantCulture), long.Parse(rows[2], CultureInfo.InvariantCulture),
            long.Parse(rows[3], CultureInfo.InvariantCulture), long.Parse(rows[4], CultureInfo.InvariantCulture), rows[5], rows[6], rows[7], keyWorks);
    }

    private sealed record State(
        long Organizations, long Slugs, long Members, long ApiKeys, long Interactions, string OwnerRole, string TargetRole, string OwnerActiveOrganization, bool KeyWorks);

    private sealed record Scene(
        string OwnerToken, string OwnerId, string OrganizationId, string Slug, string TargetToken, string TargetId,
        string OutsiderToken, string OutsiderId, string KeyId, string Key)
    {
        /// <summary>Fills a body template's placeholders; every <c>{slug}</c> is a slug nobody has.</summary>
        public string Fill(string template)
        {
            var filled = template
                .Replace("{org}", OrganizationId, StringComparison.Ordinal)
                .Replace("{owner}", OwnerId, StringComparison.Ordinal)
                .Replace("{target}", TargetId, StringComparison.Ordinal)
                .Replace("{outsider}", OutsiderId, StringComparison.Ordinal)
                .Replace("{keyId}", KeyId, StringComparison.Ordinal)
                .Replace("{key}", Key, StringComparison.Ordinal)
                .Replace("{unknownId}", "no-such-" + Guid.NewGuid().ToString("N"), StringComparison.Ordinal)
                .Replace("{unknownKey}", "tg_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)), StringComparison.Ordinal);
            while (filled.Contains("{slug}", StringComparison.Ordinal))
            {
                var at = filled.IndexOf("{slug}", StringComparison.Ordinal);
                filled = filled[..at] + NewSlug() + filled[(at + "{slug}".Length)..];
            }

            return filled;
        }
    }

    /// <summary>
    /// One host for the whole class (tests still isolate by fresh users and organizations), with the bootstrap
    /// admin of <see cref="TollgateApiFactory"/> and a client that keeps no cookies.
    /// </summary>
    public sealed class Api : BadInputApi;
}
