using System.Net;
using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>API keys over HTTP on real PostgreSQL (api.md, API keys).</summary>
[Collection(PostgresCollection.Name)]
public sealed class ApiKeyApiTests(Testing.PostgresFixture postgres)
{
    [Fact]
    public async Task AKeyIsShownOnceAndOnlyItsHashIsStored()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var user = await client.SignUpAsync();

        var (key, id) = await client.CreateApiKeyAsync(user.Token, new { name = "backend" });

        Assert.StartsWith("tg_", key);
        Assert.Equal(46, key.Length);
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(key));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE id = $1 AND key_hash = $2 AND start = $3", id, hash, key[..8]));
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE name = $1 OR position(convert_to($1, 'UTF8') in key_hash) > 0", key));
        var list = await AuthTestClient.Json(await client.GetAsync("/api/auth/api-key/list", user.Token));
        var listed = Assert.Single(list.GetProperty("apiKeys").EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.False(listed.TryGetProperty("key", out _));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM interactions WHERE user_id = $1 AND kind = 'api_key_created'", user.UserId));
    }

    [Fact]
    public async Task AKeyActsAsItsOwnerOnAnyEndpointButNeverBeyondItsPermissions()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var admin = await client.AdminAsync();
        var (full, _) = await client.CreateApiKeyAsync(admin.Token, new { name = "full" });
        var (narrow, _) = await client.CreateApiKeyAsync(admin.Token, new { name = "narrow", permissions = new { session = new[] { "list" } } });

        var session = await AuthTestClient.Json(await client.SendWithKeyAsync(HttpMethod.Get, "/api/auth/get-session", full));
        Assert.Equal(admin.UserId, session.GetProperty("user").GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.SendWithKeyAsync(HttpMethod.Get, "/api/auth/admin/list-users?limit=1", full)).StatusCode);
        using var refused = await client.SendWithKeyAsync(HttpMethod.Get, "/api/auth/admin/list-users?limit=1", narrow);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(["user:list"], (await AuthTestClient.Json(refused)).GetProperty("details").GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await client.SendWithKeyAsync(HttpMethod.Post, "/api/auth/admin/list-user-sessions", narrow, new { userId = admin.UserId })).StatusCode);

        using var sessionOnly = await client.SendWithKeyAsync(HttpMethod.Get, "/api/auth/list-sessions", full);
        Assert.Equal(HttpStatusCode.Forbidden, sessionOnly.StatusCode);
        using var invalid = await client.SendWithKeyAsync(HttpMethod.Get, "/api/auth/get-session", "tg_" + new string('A', 43));
        Assert.Equal("null", await invalid.Content.ReadAsStringAsync());
        using var invalidElsewhere = await client.SendWithKeyAsync(HttpMethod.Get, "/api/auth/api-key/list", "tg_nonsense");
        Assert.Equal(HttpStatusCode.Unauthorized, invalidElsewhere.StatusCode);
    }

    [Fact]
    public async Task AnOrganizationKeyIsLimitedToItsPermissionsAndLosesItsPowerWithItsCreatorsMembership()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var owner = await client.SignUpAsync();
        var creator = await client.SignUpAsync();
        var newcomer = await client.SignUpAsync();
        var organizationId = await client.CreateOrganizationAsync(owner.Token);
        await client.PostAsync("/api/auth/organization/add-member", owner.Token, new { organizationId, userId = creator.UserId, role = "admin" });
        var (organizationKey, _) = await client.CreateApiKeyAsync(creator.Token, new { name = "svc", organizationId, permissions = new { member = new[] { "create" } } });
        var (personalKey, _) = await client.CreateApiKeyAsync(creator.Token, new { name = "mine" });

        Assert.Equal(HttpStatusCode.OK, (await client.SendWithKeyAsync(HttpMethod.Post, "/api/auth/organization/add-member", organizationKey,
            new { userId = newcomer.UserId, role = "member" })).StatusCode);
        using var beyond = await client.SendWithKeyAsync(HttpMethod.Post, "/api/auth/organization/update-member-role", organizationKey,
            new { userId = newcomer.UserId, role = "admin" });
        Assert.Equal(HttpStatusCode.Forbidden, beyond.StatusCode);
        Assert.Equal("member", await postgres.ScalarAsync<string>("SELECT role FROM members WHERE organization_id = $1 AND user_id = $2", organizationId, newcomer.UserId));

        Assert.True(await HasAsync(client, organizationKey, new { permissions = new { member = new[] { "create" } } }));
        Assert.False(await HasAsync(client, organizationKey, new { permissions = new { member = new[] { "update" } } }));
        Assert.True(await HasAsync(client, personalKey, new { permissions = new { member = new[] { "update" } }, organizationId }));

        // Issue 14: removed from the organization, the creator's keys hold nothing there on the next request.
        await client.PostAsync("/api/auth/organization/remove-member", owner.Token, new { organizationId, userId = creator.UserId });

        Assert.False(await HasAsync(client, organizationKey, new { permissions = new { member = new[] { "create" } } }));
        Assert.False(await HasAsync(client, personalKey, new { permissions = new { member = new[] { "create" } }, organizationId }));
        // Not a member any more: the organization is not found for it, as for any outsider.
        using var refused = await client.SendWithKeyAsync(HttpMethod.Post, "/api/auth/organization/add-member", organizationKey, new { userId = newcomer.UserId, role = "admin" });
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("member", await postgres.ScalarAsync<string>("SELECT role FROM members WHERE organization_id = $1 AND user_id = $2", organizationId, newcomer.UserId));
    }

    [Fact]
    public async Task RateLimitsAreFixedWindowsThatOpenAgainAtTheirBoundary()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var user = await client.SignUpAsync();
        const int windowMs = 3000;
        var (key, _) = await client.CreateApiKeyAsync(user.Token, new { name = "limited", rateLimit = new { maxRequests = 3, timeWindowMs = windowMs } });

        foreach (var round in new[] { 1, 2 })
        {
            // Start just after a window opens, so the round cannot straddle two windows.
            var intoWindow = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % windowMs;
            await Task.Delay(TimeSpan.FromMilliseconds(windowMs - intoWindow + 20));
            var statuses = new List<HttpStatusCode>();
            HttpResponseMessage? last = null;
            for (var i = 0; i < 4; i++)
            {
                last = await client.SendWithKeyAsync(HttpMethod.Get, "/api/auth/api-key/list", key);
                statuses.Add(last.StatusCode);
            }

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
            Assert.Equal("RATE_LIMITED", (await AuthTestClient.Json(last!)).GetProperty("code").GetString());
            Assert.InRange(int.Parse(last!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 3);
        }
    }

    [Fact]
    public async Task ABanHoldsOnEveryRequestEvenForACredentialItDidNotRevoke()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var admin = await client.AdminAsync();
        var user = await client.SignUpAsync();
        var (key, _) = await client.CreateApiKeyAsync(user.Token, new { name = "survives-the-ban" });

        await client.PostAsync("/api/auth/admin/ban-user", admin.Token, new { userId = user.UserId, banReason = "abuse" });

        // The ban revoked the sessions but not the key: the key is refused on its next request all the same.
        using var refused = await client.SendWithKeyAsync(HttpMethod.Get, "/api/auth/api-key/list", key);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var problem = await AuthTestClient.Json(refused);
        Assert.Equal("BANNED", problem.GetProperty("code").GetString());
        Assert.Equal("abuse", problem.GetProperty("details").GetProperty("banReason").GetString());
        await client.PostAsync("/api/auth/admin/unban-user", admin.Token, new { userId = user.UserId });
        Assert.Equal(HttpStatusCode.OK, (await client.SendWithKeyAsync(HttpMethod.Get, "/api/auth/api-key/list", key)).StatusCode);
    }

    [Fact]
    public async Task ADeletedKeyIsRefusedOnTheNextRequest()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var user = await client.SignUpAsync();
        var stranger = await client.SignUpAsync();
        var (key, id) = await client.CreateApiKeyAsync(user.Token, new { name = "temp" });
        Assert.Equal(HttpStatusCode.OK, (await client.SendWithKeyAsync(HttpMethod.Get, "/api/auth/api-key/list", key)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/auth/api-key/delete", stranger.Token, new { keyId = id })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/auth/api-key/delete", user.Token, new { keyId = id })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendWithKeyAsync(HttpMethod.Get, "/api/auth/api-key/list", key)).StatusCode);
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE id = $1", id));
        Assert.Equal(1L, await postgres.ScalarAsync<long>("SELECT count(*) FROM interactions WHERE user_id = $1 AND kind = 'api_key_deleted'", user.UserId));
    }

    [Fact]
    public async Task VerifyCountsOneUseAndChecksTheKeysPermissions()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var admin = await client.AdminAsync();
        var user = await client.SignUpAsync();
        var (key, id) = await client.CreateApiKeyAsync(user.Token, new
        {
            name = "verified",
            permissions = new { quota = new[] { "consume" } },
            rateLimit = new { maxRequests = 2, timeWindowMs = 60_000 },
        });

        using var notAllowed = await client.PostAsync("/api/auth/api-key/verify", user.Token, new { key });
        Assert.Equal(HttpStatusCode.Forbidden, notAllowed.StatusCode);
        var verified = await AuthTestClient.Json(await client.PostAsync("/api/auth/api-key/verify", admin.Token, new { key, permissions = new { quota = new[] { "consume" } } }));
        Assert.True(verified.GetProperty("valid").GetBoolean(), verified.ToString());
        Assert.Equal(id, verified.GetProperty("key").GetProperty("id").GetString());

        Assert.Equal(HttpStatusCode.OK, (await client.SendWithKeyAsync(HttpMethod.Get, "/api/auth/get-session", key)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.SendWithKeyAsync(HttpMethod.Get, "/api/auth/get-session", key)).StatusCode);

        var limited = await AuthTestClient.Json(await client.PostAsync("/api/auth/api-key/verify", admin.Token, new { key }));
        Assert.False(limited.GetProperty("valid").GetBoolean());
        Assert.Equal("RATE_LIMITED", limited.GetProperty("error").GetProperty("code").GetString());
        var unknown = await AuthTestClient.Json(await client.PostAsync("/api/auth/api-key/verify", admin.Token, new { key = "tg_" + new string('B', 43) }));
        Assert.Equal("INVALID_API_KEY", unknown.GetProperty("error").GetProperty("code").GetString());
    }

    private static async Task<bool> HasAsync(AuthTestClient client, string key, object body)
    {
        using var response = await client.SendWithKeyAsync(HttpMethod.Post, "/api/auth/organization/has-permission", key, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await AuthTestClient.Json(response)).GetProperty("success").GetBoolean();
    }
}
