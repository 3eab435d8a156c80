using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>Platform roles and the admin routes over HTTP on real PostgreSQL (api.md, Platform RBAC and admin).</summary>
[Collection(PostgresCollection.Name)]
public sealed class AdminApiTests(PostgresFixture postgres, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task ABootstrapEmailIsAnAdminAtSignUpAndAnExistingUserIsPromotedAtItsNextSignIn()
    {
        var email = AuthTestClient.NewEmail("late-admin");
        await using (var before = new TollgateApiFactory(postgres.ConnectionString))
        {
            var user = await new AuthTestClient(before.CreateBareClient()).SignUpAsync(email);
            Assert.Equal("org_member", user.Body.GetProperty("user").GetProperty("role").GetString());
        }

        await using var after = new TollgateApiFactory(postgres.ConnectionString, new Dictionary<string, string?> { ["Auth:BootstrapAdmins:1"] = email.ToUpperInvariant() });
        var client = new AuthTestClient(after.CreateBareClient());
        var admin = await client.AdminAsync();
        Assert.Contains("platform_admin", admin.Body.GetProperty("user").GetProperty("role").GetString()!.Split(','));
        var promoted = await client.SignInAsync(email);
        Assert.Equal("org_member,platform_admin", promoted.Body.GetProperty("user").GetProperty("role").GetString());
        Assert.Equal(1L, await postgres.ScalarAsync<long>(
            "SELECT count(*) FROM interactions WHERE user_id = $1 AND kind = 'role_changed' AND data->'by'->>'via' = 'bootstrap'", promoted.UserId));
    }

    [Fact]
    public async Task ARoleChangeHoldsOnTheVeryNextRequestOfTheSameSession()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var admin = await client.AdminAsync();
        var user = await client.SignUpAsync();

        using var refused = await client.GetAsync("/api/auth/admin/list-users", user.Token);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var problem = await AuthTestClient.Json(refused);
        Assert.Equal("FORBIDDEN", problem.GetProperty("code").GetString());
        Assert.Equal(["user:list"], problem.GetProperty("details").GetProperty("required").EnumerateArray().Select(e => e.GetString()));

        Assert.Equal("platform_admin", await SetRoleAsync(client, admin.Token, user.UserId, "platform_admin"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/admin/list-users", user.Token)).StatusCode);

        Assert.Equal("org_member", await SetRoleAsync(client, admin.Token, user.UserId, "org_member"));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/auth/admin/list-users", user.Token)).StatusCode);
        Assert.Equal("org_member", (await client.SessionAsync(user.Token))!.Value.GetProperty("user").GetProperty("role").GetString());
    }

    [Fact]
    public async Task AUserWithSeveralRolesHoldsTheUnionOfTheirGrants()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var admin = await client.AdminAsync();
        var user = await client.SignUpAsync();
        var permissions = new { permissions = new Dictionary<string, string[]> { ["user"] = ["list", "ban"], ["session"] = ["revoke"] } };

        var before = await AuthTestClient.Json(await client.PostAsync("/api/auth/admin/has-permission", user.Token, permissions));
        Assert.False(before.GetProperty("success").GetBoolean());
        Assert.Contains("user:list", before.GetProperty("error").GetString());

        using var setRoles = await client.PostAsync("/api/auth/admin/set-role", admin.Token, new { userId = user.UserId, role = new[] { "org_member", "platform_admin" } });
        Assert.Equal("org_member,platform_admin", (await AuthTestClient.Json(setRoles)).GetProperty("user").GetProperty("role").GetString());
        var after = await AuthTestClient.Json(await client.PostAsync("/api/auth/admin/has-permission", user.Token, permissions));
        Assert.True(after.GetProperty("success").GetBoolean());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("error").ValueKind);

        using var unknown = await client.PostAsync("/api/auth/admin/set-role", admin.Token, new { userId = user.UserId, role = "super_admin" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("org_member,platform_admin", (await client.SessionAsync(user.Token))!.Value.GetProperty("user").GetProperty("role").GetString());
    }

    [Fact]
    public async Task ABanRevokesEverySessionRefusesSignInAndEndsWhenLiftedOrExpired()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var admin = await client.AdminAsync();
        var email = AuthTestClient.NewEmail();
        var user = await client.SignUpAsync(email);
        var other = await client.SignInAsync(email);

        using var ban = await client.PostAsync("/api/auth/admin/ban-user", admin.Token, new { userId = user.UserId, banReason = "spam" });
        Assert.True((await AuthTestClient.Json(ban)).GetProperty("user").GetProperty("banned").GetBoolean());
        Assert.Null(await client.SessionAsync(user.Token));
        Assert.Null(await client.SessionAsync(other.Token));
        using var signIn = await client.Http.PostAsJsonAsync("/api/auth/sign-in/email", new { email, password = AuthTestClient.Password });
        Assert.Equal(HttpStatusCode.Forbidden, signIn.StatusCode);
        var problem = await AuthTestClient.Json(signIn);
        Assert.Equal("BANNED", problem.GetProperty("code").GetString());
        Assert.Equal("spam", problem.GetProperty("details").GetProperty("banReason").GetString());

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/auth/admin/unban-user", admin.Token, new { userId = user.UserId })).StatusCode);
        await client.SignInAsync(email);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/auth/admin/ban-user", admin.Token, new { userId = user.UserId, banExpiresIn = 1 })).StatusCode);
        await Eventually.TrueAsync(async () =>
            (await client.Http.PostAsJsonAsync("/api/auth/sign-in/email", new { email, password = AuthTestClient.Password })).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(10), "a ban with an expiry ends by itself");

        using var self = await client.PostAsync("/api/auth/admin/ban-user", admin.Token, new { userId = admin.UserId });
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
    }

    [Fact]
    public async Task AnAdminListsAndRevokesAUsersSessions()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var admin = await client.AdminAsync();
        var email = AuthTestClient.NewEmail();
        var first = await client.SignUpAsync(email);
        var second = await client.SignInAsync(email);
        var third = await client.SignInAsync(email);

        var sessions = (await AuthTestClient.Json(await client.PostAsync("/api/auth/admin/list-user-sessions", admin.Token, new { userId = first.UserId })))
            .GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToList();
        Assert.Equal(3, sessions.Count);

        var secondId = (await client.SessionAsync(second.Token))!.Value.GetProperty("session").GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/auth/admin/revoke-user-session", admin.Token, new { sessionId = secondId })).StatusCode);
        Assert.Null(await client.SessionAsync(second.Token));
        Assert.NotNull(await client.SessionAsync(first.Token));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/auth/admin/revoke-user-session", admin.Token, new { sessionToken = third.Token })).StatusCode);
        Assert.Null(await client.SessionAsync(third.Token));

        using var all = await client.PostAsync("/api/auth/admin/revoke-user-sessions", admin.Token, new { userId = first.UserId });
        Assert.True((await AuthTestClient.Json(all)).GetProperty("success").GetBoolean());
        Assert.Null(await client.SessionAsync(first.Token));
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE user_id = $1", first.UserId));
    }

    [Fact]
    public async Task AnAdminCreatesUsersAndPagesThroughThemBySearch()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var admin = await client.AdminAsync();
        var tag = Guid.NewGuid().ToString("N")[..10];
        for (var i = 0; i < 3; i++)
        {
            using var created = await client.PostAsync("/api/auth/admin/create-user", admin.Token,
                new { email = $"list-{tag}-{i}@example.com", password = AuthTestClient.Password, name = $"Listed {i}", role = i == 0 ? "platform_admin" : null });
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            Assert.Equal(i == 0 ? "platform_admin" : "org_member", (await AuthTestClient.Json(created)).GetProperty("user").GetProperty("role").GetString());
        }

        var page = await AuthTestClient.Json(await client.GetAsync($"/api/auth/admin/list-users?searchValue={tag}&limit=2&offset=1", admin.Token));
        Assert.Equal(3, page.GetProperty("total").GetInt64());
        Assert.Equal(2, page.GetProperty("limit").GetInt32());
        Assert.Equal(1, page.GetProperty("offset").GetInt32());
        Assert.Equal([$"list-{tag}-1@example.com", $"list-{tag}-2@example.com"],
            page.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("email").GetString()));
        await client.SignInAsync($"list-{tag}-2@example.com");

        var none = await AuthTestClient.Json(await client.GetAsync("/api/auth/admin/list-users?searchValue=%25_%25", admin.Token));
        Assert.Equal(0, none.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task AdminActionsAndTheirRefusalsAreWrittenToTheAuditTrail()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var admin = await client.AdminAsync();
        var user = await client.SignUpAsync();

        await client.PostAsync("/api/auth/admin/set-role", admin.Token, new { userId = user.UserId, role = "platform_admin" });
        await client.PostAsync("/api/auth/admin/set-role", admin.Token, new { userId = user.UserId, role = "org_member" });
        await client.PostAsync("/api/auth/admin/ban-user", admin.Token, new { userId = user.UserId, banReason = "audit" });
        await client.PostAsync("/api/auth/admin/unban-user", admin.Token, new { userId = user.UserId });
        await client.PostAsync("/api/auth/admin/revoke-user-sessions", admin.Token, new { userId = user.UserId });
        var stranger = await client.SignUpAsync();
        await client.PostAsync("/api/auth/admin/set-role", stranger.Token, new { userId = stranger.UserId, role = "platform_admin" });

        Assert.Equal(2L, await postgres.ScalarAsync<long>(
            "SELECT count(*) FROM interactions WHERE user_id = $1 AND kind = 'role_changed' AND data->'by'->>'userId' = $2", user.UserId, admin.UserId));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM interactions WHERE user_id = $1 AND kind = 'user_banned'", user.UserId));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM interactions WHERE user_id = $1 AND kind = 'user_unbanned'", user.UserId));
        Assert.True(await postgres.ScalarAsync<long>("SELECT count(*) FROM interactions WHERE user_id = $1 AND kind = 'sessions_revoked'", user.UserId) >= 1);
        Assert.True(await postgres.ScalarAsync<long>("SELECT count(*) FROM interactions WHERE user_id = $1 AND kind = 'admin_request' AND data->>'status' = '200'", admin.UserId) >= 5);
        Assert.Equal(1L, await postgres.ScalarAsync<long>(
            "SELECT count(*) FROM interactions WHERE user_id = $1 AND kind = 'admin_request' AND data->>'status' = '403' AND data->>'route' = '/api/auth/admin/set-role'", stranger.UserId));
        Assert.Equal("org_member", (await client.SessionAsync(stranger.Token))!.Value.GetProperty("user").GetProperty("role").GetString());
    }

    [Fact]
    public async Task TheCliMakesTheFirstAdminJoiningARunningHostsClusterAndRefusesUnknownEmailsAndRoles()
    {
        var email = AuthTestClient.NewEmail("cli");
        var cluster = "cli" + Guid.NewGuid().ToString("N")[..12];
        await using (var running = new TollgateApiFactory(postgres.ConnectionString, new Dictionary<string, string?> { ["Cluster:ClusterId"] = cluster }))
        {
            var client = new AuthTestClient(running.CreateBareClient());
            var user = await client.SignUpAsync(email);

            // Beside a running embedded host the CLI's own silo joins its cluster: one activation of the user, so the
            // running host answers with the new role on its very next request.
            Assert.Equal(0, await RunCliAsync(cluster, "admin", "set-role", "--email", email, "--role", "platform_admin"));
            Assert.Equal("platform_admin", (await client.SessionAsync(user.Token))!.Value.GetProperty("user").GetProperty("role").GetString());
        }

        Assert.Equal(0, await RunCliAsync(cluster, "admin", "set-role", "--email", email.ToUpperInvariant(), "--role", "org_member,platform_admin"));
        Assert.Equal(2, await RunCliAsync(cluster, "admin", "set-role", "--email", AuthTestClient.NewEmail("nobody"), "--role", "platform_admin"));
        Assert.Equal(2, await RunCliAsync(cluster, "admin", "set-role", "--email", email, "--role", "emperor"));

        await using var after = new TollgateApiFactory(postgres.ConnectionString);
        var signedIn = await new AuthTestClient(after.CreateBareClient()).SignInAsync(email);
        Assert.Equal("org_member,platform_admin", signedIn.Body.GetProperty("user").GetProperty("role").GetString());
        Assert.Equal(2L, await postgres.ScalarAsync<long>(
            "SELECT count(*) FROM interactions WHERE user_id = $1 AND kind = 'role_changed' AND data->'by'->>'via' = 'cli'", signedIn.UserId));
    }

    private async Task<int> RunCliAsync(string cluster, params string[] arguments)
    {
        await using var cli = HostProcess.Start("ApiHost", "Tollgate.ApiHost", arguments, new Dictionary<string, string>
        {
            ["ConnectionStrings__Tollgate"] = postgres.ConnectionString,
            ["Cluster__ClusterId"] = cluster,
        });
        var exitCode = await cli.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"cli {string.Join(' ', arguments)}: exit {exitCode}\n{cli.Output}");
        return exitCode;
    }

    private static async Task<string?> SetRoleAsync(AuthTestClient client, string adminToken, string userId, string role)
    {
        using var response = await client.PostAsync("/api/auth/admin/set-role", adminToken, new { userId, role });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await AuthTestClient.Json(response)).GetProperty("user").GetProperty("role").GetString();
    }
}
