using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.ApiHost.Auth;
using Tollgate.Grains.Access;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>
/// What every /api endpoint requires is declared once, on the endpoint, from the one permission statement; the
/// OpenAPI document, <c>GET /api/auth/permissions</c> and the exported <c>permissions.ts</c> all say the same.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class EndpointAccessTests(PostgresFixture postgres)
{
    /// <summary>api.md, Sessions and Platform RBAC: who may call each endpoint.</summary>
    private static readonly Dictionary<string, EndpointAccess> Documented = new()
    {
        ["POST /api/auth/sign-up/email"] = EndpointAccess.Public,
        ["POST /api/auth/sign-in/email"] = EndpointAccess.Public,
        ["GET /api/auth/get-session"] = EndpointAccess.Public,
        ["GET /api/auth/permissions"] = EndpointAccess.Public,
        ["POST /api/auth/sign-out"] = EndpointAccess.SignedIn,
        ["GET /api/auth/list-sessions"] = EndpointAccess.SignedIn,
        ["POST /api/auth/revoke-session"] = EndpointAccess.SignedIn,
        ["POST /api/auth/revoke-other-sessions"] = EndpointAccess.SignedIn,
        ["POST /api/auth/revoke-sessions"] = EndpointAccess.SignedIn,
        ["POST /api/auth/admin/create-user"] = EndpointAccess.Requires(PlatformAccess.UserCreate),
        ["GET /api/auth/admin/list-users"] = EndpointAccess.Requires(PlatformAccess.UserList),
        ["POST /api/auth/admin/set-role"] = EndpointAccess.Requires(PlatformAccess.UserSetRole),
        ["POST /api/auth/admin/ban-user"] = EndpointAccess.Requires(PlatformAccess.UserBan),
        ["POST /api/auth/admin/unban-user"] = EndpointAccess.Requires(PlatformAccess.UserBan),
        ["POST /api/auth/admin/list-user-sessions"] = EndpointAccess.Requires(PlatformAccess.SessionList),
        ["POST /api/auth/admin/revoke-user-session"] = EndpointAccess.Requires(PlatformAccess.SessionRevoke),
        ["POST /api/auth/admin/revoke-user-sessions"] = EndpointAccess.Requires(PlatformAccess.SessionRevoke),
        ["POST /api/auth/admin/revoke-sessions"] = EndpointAccess.Requires(PlatformAccess.SessionRevoke),
        ["POST /api/auth/admin/has-permission"] = EndpointAccess.SignedIn,
        ["GET /api/admin/explain"] = EndpointAccess.Requires(PlatformAccess.SupportRead),
        ["POST /api/auth/admin/delete-api-key"] = EndpointAccess.Requires(PlatformAccess.ApiKeyDelete),
    };

    /// <summary>Public, without a body or query to get wrong, answering 200 whatever the credential: nothing 4xx to list.</summary>
    private static readonly HashSet<string> CannotFailWithA4xx = ["GET /api/auth/get-session", "GET /api/auth/permissions"];

    [Fact]
    public async Task EveryApiEndpointDeclaresExactlyOneAccessAndOnlyPermissionsOfTheStatement()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var endpoints = ApiEndpoints(factory);

        Assert.NotEmpty(endpoints);
        var problems = new List<string>();
        foreach (var (name, endpoint) in endpoints)
        {
            var declared = endpoint.Metadata.OfType<EndpointAccess>().ToList();
            if (declared.Count != 1)
            {
                problems.Add($"{name} declares {declared.Count} EndpointAccess");
            }
            else if (declared[0].Permission is { } permission && !PlatformAccess.Statement.Contains(permission))
            {
                problems.Add($"{name} requires {permission}, which is not in the statement");
            }
            else if (declared[0].Permission is not null && !declared[0].RequiresCaller)
            {
                problems.Add($"{name} names a permission but lets anyone in");
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public async Task EveryDocumentedEndpointRequiresWhatApiMdSays()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var endpoints = ApiEndpoints(factory).ToDictionary(e => e.Name, e => e.Endpoint);

        Assert.All(Documented, documented =>
        {
            Assert.True(endpoints.TryGetValue(documented.Key, out var endpoint), $"{documented.Key} is not mapped");
            // Who may call it; whether a session (rather than any credential) is needed is not api.md's to say.
            var declared = endpoint.Metadata.GetMetadata<EndpointAccess>();
            Assert.Equal(((bool?)documented.Value.RequiresCaller, documented.Value.Permission), (declared?.RequiresCaller, declared?.Permission));
        });
    }

    [Fact]
    public async Task TheOpenApiDocumentListsEveryApiEndpointWithItsErrorResponses()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        using var client = factory.CreateClient();
        var endpoints = ApiEndpoints(factory);

        using var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");
        Assert.All(endpoints, e =>
        {
            var (method, path) = (e.Name.Split(' ')[0], e.Name.Split(' ')[1]);
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the OpenAPI document");
            Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out var operation), $"{e.Name} is not in the OpenAPI document");
            var statuses = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            if (CannotFailWithA4xx.Contains(e.Name))
            {
                Assert.False(e.Endpoint.Metadata.GetMetadata<EndpointAccess>()?.RequiresCaller ?? true, $"{e.Name} is public");
                return;
            }

            Assert.True(statuses.Exists(s => s.StartsWith('4')), $"{e.Name} lists no 4xx response: {string.Join(", ", statuses)}");
            if (e.Endpoint.Metadata.GetMetadata<EndpointAccess>() is { RequiresCaller: true })
            {
                Assert.True(statuses.Contains("401") && statuses.Contains("403"), $"{e.Name} needs a caller but lists {string.Join(", ", statuses)}");
            }

            if (operation.TryGetProperty("requestBody", out _) || operation.TryGetProperty("parameters", out _))
            {
                Assert.True(statuses.Contains("400"), $"{e.Name} takes input but lists {string.Join(", ", statuses)}");
            }
        });
    }

    /// <summary>
    /// Issue 16: what a generator needs. Every 4xx/5xx answer is problem+json whose schema has <c>code</c> (an enum of the
    /// API's codes), <c>message</c> and <c>details</c> with the members api.md names; operations say which credentials they take.
    /// </summary>
    [Fact]
    public async Task TheOpenApiDocumentTypesEveryProblemAndNamesTheCredentialsOfEachOperation()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        using var client = factory.CreateClient();
        var endpoints = ApiEndpoints(factory);

        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;

        var problem = document["components"]!["schemas"]!["ProblemDetails"]!;
        var codes = problem["properties"]!["code"]!["enum"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Superset(new HashSet<string> { "UNAUTHORIZED", "FORBIDDEN", "BANNED", "PAYMENT_REQUIRED", "QUOTA_EXCEEDED", "VALIDATION_FAILED", "RATE_LIMITED", "UNAVAILABLE", "TIMEOUT" }, codes.ToHashSet());
        var details = problem["properties"]!["details"]!["properties"]!.AsObject();
        Assert.Superset(new HashSet<string> { "signInUrl", "required", "checkoutUrl", "resetsAt", "errors", "banReason", "limit", "used", "requested" }, details.Select(d => d.Key).ToHashSet());
        Assert.Superset(new HashSet<string> { "code", "message", "details" }, problem["required"]!.AsArray().Select(r => r!.GetValue<string>()).ToHashSet());
        Assert.Equal(["apiKey", "bearer", "sessionCookie"], document["components"]!["securitySchemes"]!.AsObject().Select(s => s.Key).Order());
        // Request bodies: what must be sent is required and never null; the rest may be left out.
        var signUp = document["components"]!["schemas"]!["SignUpRequest"]!;
        Assert.Equal(["email", "name", "password"], signUp["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order());
        Assert.Equal("string", signUp["properties"]!["email"]!["type"]!.GetValue<string>());
        var consume = document["components"]!["schemas"]!["ConsumeBody"]!;
        Assert.Equal(["agentId"], consume["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        // Timestamps are strings of date-time, not "anything".
        Assert.Equal("date-time", document["components"]!["schemas"]!["SessionResponse"]!["properties"]!["expiresAt"]!["format"]!.GetValue<string>());

        var problems = new List<string>();
        foreach (var (name, endpoint) in endpoints)
        {
            var operation = document["paths"]![name.Split(' ')[1]]![name.Split(' ')[0].ToLowerInvariant()]!;
            foreach (var response in operation["responses"]!.AsObject().Where(r => r.Key[0] is '4' or '5'))
            {
                var reference = response.Value!["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>();
                if (reference != "#/components/schemas/ProblemDetails")
                {
                    problems.Add($"{name} {response.Key}: {response.Value!["content"]?.ToJsonString()}");
                }
            }

            var access = endpoint.Metadata.GetMetadata<EndpointAccess>()!;
            var schemes = operation["security"]?.AsArray().SelectMany(r => r!.AsObject().Select(s => s.Key)).Order().ToList() ?? [];
            var expected = !access.RequiresCaller ? [] : access.RequiresSession ? new List<string> { "bearer", "sessionCookie" } : ["apiKey", "bearer", "sessionCookie"];
            if (!schemes.SequenceEqual(expected))
            {
                problems.Add($"{name}: security [{string.Join(",", schemes)}], expected [{string.Join(",", expected)}]");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task ThePermissionsEndpointServesTheStatementAndItsRoles()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        using var client = factory.CreateClient();

        var document = JsonNode.Parse(await client.GetStringAsync("/api/auth/permissions"))!;

        Assert.True(JsonNode.DeepEquals(Expected(PlatformAccess.Statement.Statement), document["statement"]), document.ToJsonString());
        var roles = document["roles"]!.AsObject();
        Assert.Equal(PlatformAccess.Statement.Roles.Keys.Order(), roles.Select(r => r.Key).Order());
        Assert.All(PlatformAccess.Statement.Roles, role =>
            Assert.True(JsonNode.DeepEquals(Expected(role.Value), roles[role.Key]), $"{role.Key}: {roles[role.Key]?.ToJsonString()}"));
    }

    [Fact]
    public async Task ExportPermissionsWritesATypeScriptStatementWithEveryResourceAndAction()
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("tollgate-permissions-").FullName, "permissions.ts");

        var exitCode = await RunCliAsync(["export-permissions", "--format", "ts", "--out", output]);

        Assert.Equal(0, exitCode);
        var ts = await File.ReadAllTextAsync(output);
        var start = ts.IndexOf("export const statement = {", StringComparison.Ordinal);
        Assert.True(start >= 0, ts);
        var statement = ts[start..ts.IndexOf("} as const;", start, StringComparison.Ordinal)];
        Assert.All(PlatformAccess.Statement.Statement, resource => Assert.Contains(
            $"{Quote(resource.Key)}: [{string.Join(", ", resource.Value.Select(Quote))}],", statement, StringComparison.Ordinal));
        Assert.All(PlatformAccess.Statement.Roles.Keys, role => Assert.Contains($"{Quote(role)}: {{", ts, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExportPermissionsAsJsonIsTheDocumentThePermissionsEndpointServes()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        using var client = factory.CreateClient();
        var output = Path.Combine(Directory.CreateTempSubdirectory("tollgate-permissions-").FullName, "permissions.json");

        var exitCode = await RunCliAsync(["export-permissions", "--format", "json", "--out", output]);

        Assert.Equal(0, exitCode);
        var served = JsonNode.Parse(await client.GetStringAsync("/api/auth/permissions"));
        var exported = JsonNode.Parse(await File.ReadAllTextAsync(output));
        Assert.True(JsonNode.DeepEquals(served, exported), $"served {served?.ToJsonString()}\nexported {exported?.ToJsonString()}");
    }

    [Theory]
    [InlineData("--format", "yaml")]
    [InlineData("--format", "")]
    [InlineData("--format")]
    public async Task ExportPermissionsWithABadFormatExitsWith2AndWritesNothing(params string[] arguments)
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("tollgate-permissions-").FullName, "permissions.out");

        var exitCode = await RunCliAsync(["export-permissions", .. arguments, "--out", output]);

        Assert.Equal(2, exitCode);
        Assert.False(File.Exists(output));
    }

    private static List<(string Name, RouteEndpoint Endpoint)> ApiEndpoints(TollgateApiFactory factory)
    {
        _ = factory.Server; // builds and starts the host, so routes are mapped
        return factory.Services.GetRequiredService<IEnumerable<EndpointDataSource>>()
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["ANY"])
                .Select(method => ($"{method} {e.RoutePattern.RawText}", e)))
            .DistinctBy(e => e.Item1)
            .ToList();
    }

    private static async Task<int> RunCliAsync(IEnumerable<string> arguments)
    {
        await using var cli = HostProcess.Start("ApiHost", "Tollgate.ApiHost", arguments);
        var exitCode = await cli.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exitCode is 0 or 2, cli.Output);
        return exitCode;
    }

    private static JsonNode Expected(IReadOnlyDictionary<string, string[]> grants) =>
        JsonSerializer.SerializeToNode(grants)!;

    private static string Quote(string value) => JsonSerializer.Serialize(value);
}
