using System.Net;
using System.Text.Json;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>Organizations and organization permissions over HTTP on real PostgreSQL (api.md, Organizations).</summary>
[Collection(PostgresCollection.Name)]
public sealed class OrganizationApiTests(Testing.PostgresFixture postgres)
{
    private static readonly object MemberPermissions = new { member = new[] { "create", "update", "delete" } };

    [Fact]
    public async Task TheCreatorOwnsTheOrganizationAndItBecomesTheSessionsActiveOne()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var owner = await client.SignUpAsync();

        var organizationId = await client.CreateOrganizationAsync(owner.Token);

        Assert.Equal(organizationId, (await client.SessionAsync(owner.Token))!.Value.GetProperty("session").GetProperty("activeOrganizationId").GetString());
        var full = await AuthTestClient.Json(await client.GetAsync($"/api/auth/organization/get-full-organization?organizationId={organizationId}", owner.Token));
        var member = Assert.Single(full.GetProperty("members").EnumerateArray());
        Assert.Equal("owner", member.GetProperty("role").GetString());
        Assert.Equal(owner.UserId, member.GetProperty("user").GetProperty("id").GetString());
        var list = await AuthTestClient.Json(await client.GetAsync("/api/auth/organization/list", owner.Token));
        Assert.Contains(list.EnumerateArray(), o => o.GetProperty("id").GetString() == organizationId);
        Assert.Equal("owner", await postgres.ScalarAsync<string>("SELECT role FROM members WHERE organization_id = $1 AND user_id = $2", organizationId, owner.UserId));
    }

    [Fact]
    public async Task OnlyAnOwnerDeletesAnOrganizationAndThenNobodyHoldsARoleInItAndItsSlugIsFree()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var owner = await client.SignUpAsync();
        var admin = await client.SignUpAsync();
        var slug = "del-" + Guid.NewGuid().ToString("N")[..12];
        var organizationId = await client.CreateOrganizationAsync(owner.Token, slug);
        await client.PostAsync("/api/auth/organization/add-member", owner.Token, new { organizationId, userId = admin.UserId, role = "admin" });
        var (adminKey, _) = await client.CreateApiKeyAsync(admin.Token, new { name = "k", organizationId });

        using (var refused = await client.PostAsync("/api/auth/organization/delete", admin.Token, new { organizationId }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("organization:delete", (await AuthTestClient.Json(refused)).GetProperty("details").GetProperty("required")[0].GetString());
        }

        using (var byKey = await client.SendWithKeyAsync(HttpMethod.Post, "/api/auth/organization/delete", adminKey, new { organizationId }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, byKey.StatusCode);
        }

        Assert.Equal(2L, await postgres.ScalarAsync<long>("SELECT count(*) FROM members WHERE organization_id = $1", organizationId));
        using var deleted = await client.PostAsync("/api/auth/organization/delete", owner.Token, new { organizationId });

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(slug, (await AuthTestClient.Json(deleted)).GetProperty("slug").GetString());
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM members WHERE organization_id = $1", organizationId));
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM organizations WHERE id = $1", organizationId));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM interactions WHERE user_id = $1 AND kind = 'organization_deleted'", owner.UserId));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/auth/organization/get-full-organization?organizationId={organizationId}", owner.Token)).StatusCode);
        using var has = await client.SendWithKeyAsync(HttpMethod.Post, "/api/auth/organization/has-permission", adminKey, new { permissions = new { ac = new[] { "read" } } });
        Assert.False((await AuthTestClient.Json(has)).GetProperty("success").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/auth/organization/delete", owner.Token, new { organizationId })).StatusCode);
        Assert.NotEqual(organizationId, await client.CreateOrganizationAsync(admin.Token, slug));
    }

    [Fact]
    public async Task MembershipChangesHoldOnTheNextRequestAndTheLastOwnerStays()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var owner = await client.SignUpAsync();
        var user = await client.SignUpAsync();
        var organizationId = await client.CreateOrganizationAsync(owner.Token);

        Assert.False(await HasPermissionAsync(client, user.Token, organizationId, MemberPermissions));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/auth/organization/add-member", owner.Token, new { organizationId, userId = user.UserId, role = "admin" })).StatusCode);
        Assert.True(await HasPermissionAsync(client, user.Token, organizationId, MemberPermissions));
        Assert.False(await HasPermissionAsync(client, user.Token, organizationId, new { organization = new[] { "delete" } }));

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/auth/organization/update-member-role", owner.Token, new { organizationId, userId = user.UserId, role = "member" })).StatusCode);
        Assert.False(await HasPermissionAsync(client, user.Token, organizationId, MemberPermissions));

        using var demoteLastOwner = await client.PostAsync("/api/auth/organization/update-member-role", owner.Token, new { organizationId, userId = owner.UserId, role = "admin" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, demoteLastOwner.StatusCode);
        Assert.Equal("LAST_OWNER", (await AuthTestClient.Json(demoteLastOwner)).GetProperty("code").GetString());
        using var removeLastOwner = await client.PostAsync("/api/auth/organization/remove-member", owner.Token, new { organizationId, userId = owner.UserId });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, removeLastOwner.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/auth/organization/update-member-role", owner.Token, new { organizationId, userId = user.UserId, role = "owner" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/auth/organization/update-member-role", owner.Token, new { organizationId, userId = owner.UserId, role = "member" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/auth/organization/remove-member", user.Token, new { organizationId, userId = owner.UserId })).StatusCode);
        Assert.False(await HasPermissionAsync(client, owner.Token, organizationId, new { ac = new[] { "read" } }));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM interactions WHERE user_id = $1 AND kind = 'member_removed'", owner.UserId));
    }

    [Fact]
    public async Task OnlyAnOwnerGrantsOwnershipAndAMemberCannotManageMembers()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var owner = await client.SignUpAsync();
        var admin = await client.SignUpAsync();
        var member = await client.SignUpAsync();
        var outsider = await client.SignUpAsync();
        var organizationId = await client.CreateOrganizationAsync(owner.Token);
        await client.PostAsync("/api/auth/organization/add-member", owner.Token, new { organizationId, userId = admin.UserId, role = "admin" });
        await client.PostAsync("/api/auth/organization/add-member", admin.Token, new { organizationId, userId = member.UserId, role = "member" });

        using var adminMakesOwner = await client.PostAsync("/api/auth/organization/update-member-role", admin.Token, new { organizationId, userId = member.UserId, role = "owner" });
        Assert.Equal(HttpStatusCode.Forbidden, adminMakesOwner.StatusCode);
        using var memberAdds = await client.PostAsync("/api/auth/organization/add-member", member.Token, new { organizationId, userId = outsider.UserId, role = "member" });
        Assert.Equal(HttpStatusCode.Forbidden, memberAdds.StatusCode);
        Assert.Equal(["member:create"], (await AuthTestClient.Json(memberAdds)).GetProperty("details").GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        using var outsiderReads = await client.GetAsync($"/api/auth/organization/get-full-organization?organizationId={organizationId}", outsider.Token);
        Assert.Equal(HttpStatusCode.NotFound, outsiderReads.StatusCode);
        Assert.Equal("member", await postgres.ScalarAsync<string>("SELECT role FROM members WHERE organization_id = $1 AND user_id = $2", organizationId, member.UserId));
        Assert.Null(await postgres.ScalarAsync<string>("SELECT role FROM members WHERE organization_id = $1 AND user_id = $2", organizationId, outsider.UserId));
    }

    [Fact]
    public async Task HasPermissionResolvesTheOrganizationTheSameWayForEveryCredential()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var owner = await client.SignUpAsync();
        var organizationId = await client.CreateOrganizationAsync(owner.Token);
        var otherOrganization = await client.CreateOrganizationAsync(owner.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/auth/organization/set-active", owner.Token, new { organizationId })).StatusCode);
        using var signUp = await client.Http.PostAsync("/api/auth/sign-in/email", JsonBody(new { email = owner.Body.GetProperty("user").GetProperty("email").GetString(), password = AuthTestClient.Password }));
        var cookie = signUp.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var cookieToken = (await AuthTestClient.Json(signUp)).GetProperty("token").GetString()!;
        await client.PostAsync("/api/auth/organization/set-active", cookieToken, new { organizationId });
        var (userKey, _) = await client.CreateApiKeyAsync(owner.Token, new { name = "personal" });
        var (organizationKey, _) = await client.CreateApiKeyAsync(owner.Token, new { name = "service", organizationId });

        var credentials = new (string Name, Func<HttpRequestMessage, HttpRequestMessage> Apply, bool HasOrganization)[]
        {
            ("cookie", r => With(r, "Cookie", cookie, "Origin", "http://localhost:3000"), true),
            ("bearer", r => With(r, "Authorization", "Bearer " + owner.Token), true),
            ("user key in x-api-key", r => With(r, "x-api-key", userKey), false),
            ("user key as bearer", r => With(r, "Authorization", "Bearer " + userKey), false),
            ("organization key in x-api-key", r => With(r, "x-api-key", organizationKey), true),
            ("organization key as bearer", r => With(r, "Authorization", "Bearer " + organizationKey), true),
        };
        foreach (var (name, apply, hasOrganization) in credentials)
        {
            // From the body: every credential.
            Assert.True(await CheckAsync(client, apply, new { permissions = MemberPermissions, organizationId }) is (HttpStatusCode.OK, true), $"{name}, body");
            // From the session's active organization, or the key's: those that have one.
            var implicitly = await CheckAsync(client, apply, new { permissions = MemberPermissions });
            Assert.True(hasOrganization ? implicitly is (HttpStatusCode.OK, true) : implicitly.Status == HttpStatusCode.BadRequest, $"{name}, implicit: {implicitly}");
        }

        // An organization key acts in its organization only.
        Assert.Equal((HttpStatusCode.OK, false), await CheckAsync(client, credentials[4].Apply, new { permissions = MemberPermissions, organizationId = otherOrganization }));
        Assert.Equal((HttpStatusCode.OK, true), await CheckAsync(client, credentials[2].Apply, new { permissions = MemberPermissions, organizationId = otherOrganization }));
    }

    private static async Task<bool> HasPermissionAsync(AuthTestClient client, string token, string organizationId, object permissions)
    {
        using var response = await client.PostAsync("/api/auth/organization/has-permission", token, new { permissions, organizationId });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await AuthTestClient.Json(response)).GetProperty("success").GetBoolean();
    }

    private static async Task<(HttpStatusCode Status, bool? Success)> CheckAsync(AuthTestClient client, Func<HttpRequestMessage, HttpRequestMessage> apply, object body)
    {
        using var request = apply(new HttpRequestMessage(HttpMethod.Post, "/api/auth/organization/has-permission") { Content = JsonBody(body) });
        using var response = await client.Http.SendAsync(request);
        var json = await AuthTestClient.Json(response);
        return (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? json.GetProperty("success").GetBoolean() : null);
    }

    private static HttpRequestMessage With(HttpRequestMessage request, params string[] headers)
    {
        for (var i = 0; i < headers.Length; i += 2)
        {
            request.Headers.TryAddWithoutValidation(headers[i], headers[i + 1]);
        }

        return request;
    }

    private static StringContent JsonBody(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
