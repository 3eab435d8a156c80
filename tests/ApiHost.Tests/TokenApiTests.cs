using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tollgate.ApiHost.Auth;
using Tollgate.Postgres;
using Tollgate.Testing;
using Xunit;
using JwksStore = Tollgate.ApiHost.Tokens.JwksStore;

namespace Tollgate.ApiHost.Tests;

/// <summary>GET /api/auth/token and /api/auth/jwks (api.md, API keys): ES256 JWTs any service verifies with the JWKS.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TokenApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ASessionsTokenVerifiesWithThePublishedKeysAndNamesTheUserRoleAndSession()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var user = await client.SignUpAsync();
        var sessionId = (await client.SessionAsync(user.Token))!.Value.GetProperty("session").GetProperty("id").GetString();

        var token = await TokenAsync(client, user.Token);

        using var jwks = await client.Http.GetAsync("/api/auth/jwks");
        Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);
        Assert.Equal("public, max-age=300", jwks.Headers.CacheControl?.ToString());
        var result = await ValidateAsync(client.Http, token);
        Assert.True(result.IsValid, result.Exception?.ToString());
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal("JWT", jwt.Typ);
        Assert.Equal(TimeSpan.FromMinutes(15), jwt.ValidTo - jwt.IssuedAt);
        Assert.Equal(user.UserId, jwt.Subject);
        Assert.Equal("org_member", jwt.GetPayloadValue<string>("role"));
        Assert.Equal(sessionId, jwt.GetPayloadValue<string>("sid"));
        Assert.False(jwt.TryGetPayloadValue<string>("kid", out _));
        Assert.False(jwt.TryGetPayloadValue<string>("orgId", out _));
        Assert.False(jwt.TryGetPayloadValue<string>("orgRole", out _));
    }

    [Fact]
    public async Task TheActiveOrganizationAndTheCallersRoleInItAreInTheToken()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var user = await client.SignUpAsync();
        var organizationId = await CreateOrganizationAsync(client, user.Token);

        var result = await ValidateAsync(client.Http, await TokenAsync(client, user.Token));

        Assert.True(result.IsValid, result.Exception?.ToString());
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal(organizationId, jwt.GetPayloadValue<string>("orgId"));
        Assert.Equal("owner", jwt.GetPayloadValue<string>("orgRole"));
    }

    [Fact]
    public async Task AnApiKeysTokenNamesTheKeyInsteadOfASessionAndItsOrganization()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var user = await client.SignUpAsync();
        var organizationId = await CreateOrganizationAsync(client, user.Token);
        using var created = await client.PostAsync("/api/auth/api-key/create", user.Token, new { name = "backend", organizationId });
        var key = await AuthTestClient.Json(created);
        Assert.True(created.StatusCode == HttpStatusCode.OK, $"api-key/create: {(int)created.StatusCode} {key}");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/token") { Headers = { { "x-api-key", key.GetProperty("key").GetString() } } };
        using var response = await client.Http.SendAsync(request);
        var body = await AuthTestClient.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"token: {(int)response.StatusCode} {body}");

        var result = await ValidateAsync(client.Http, body.GetProperty("token").GetString()!);
        Assert.True(result.IsValid, result.Exception?.ToString());
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal(user.UserId, jwt.Subject);
        Assert.Equal(key.GetProperty("id").GetString(), jwt.GetPayloadValue<string>("kid"));
        Assert.False(jwt.TryGetPayloadValue<string>("sid", out _));
        Assert.Equal(organizationId, jwt.GetPayloadValue<string>("orgId"));
        Assert.Equal("owner", jwt.GetPayloadValue<string>("orgRole"));
    }

    [Fact]
    public async Task ATamperedSignatureDoesNotVerify()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var token = await TokenAsync(client, (await client.SignUpAsync()).Token);

        var flipAt = token.LastIndexOf('.') + 10;
        var tampered = token[..flipAt] + (token[flipAt] == 'A' ? 'B' : 'A') + token[(flipAt + 1)..];

        Assert.True((await ValidateAsync(client.Http, token)).IsValid);
        Assert.False((await ValidateAsync(client.Http, tampered)).IsValid);
    }

    [Fact]
    public async Task HostsOverOneDatabaseSignWithTheSameKeyAndVerifyEachOthersTokens()
    {
        string token;
        await using (var first = new TollgateApiFactory(postgres.ConnectionString))
        {
            var client = new AuthTestClient(first.CreateBareClient());
            token = await TokenAsync(client, (await client.SignUpAsync()).Token);
        }

        await using var second = new TollgateApiFactory(postgres.ConnectionString);
        var other = new AuthTestClient(second.CreateBareClient());
        var own = await TokenAsync(other, (await other.SignUpAsync()).Token);

        Assert.Equal(new JsonWebToken(token).Kid, new JsonWebToken(own).Kid);
        var result = await ValidateAsync(other.Http, token);
        Assert.True(result.IsValid, result.Exception?.ToString());
    }

    [Fact]
    public async Task HostsMakingTheFirstKeyAtOnceAllSignWithOneKey()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var database = factory.Services.GetRequiredService<PostgresDatabase>();
        // A secret no stored key was sealed with: every store finds nothing it can open and races to make the key.
        var secret = Options.Create(new AuthOptions { Secrets = [Guid.NewGuid().ToString("N")] });
        var stores = Enumerable.Range(0, 8).Select(_ => new JwksStore(database, new SecretRing(secret, database), TimeProvider.System)).ToList();

        var keys = await Task.WhenAll(stores.Select(s => s.SigningKeyAsync(CancellationToken.None).AsTask()));

        Assert.Single(keys.Select(k => k.Kid).Distinct());
    }

    [Fact]
    public async Task ATokenNeedsACredential()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());

        using var response = await client.GetAsync("/api/auth/token", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AConfiguredIssuerIsTheTokensIssuerAndAudience()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString, new Dictionary<string, string?> { ["Auth:Issuer"] = "https://auth.example.com" });
        var client = new AuthTestClient(factory.CreateBareClient());
        var user = await client.SignUpAsync();

        var jwt = new JsonWebToken(await TokenAsync(client, user.Token));

        Assert.Equal("https://auth.example.com", jwt.Issuer);
        Assert.Equal(["https://auth.example.com"], jwt.Audiences);
    }

    private static async Task<string> TokenAsync(AuthTestClient client, string sessionToken)
    {
        using var response = await client.GetAsync("/api/auth/token", sessionToken);
        var body = await AuthTestClient.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"token: {(int)response.StatusCode} {body}");
        return body.GetProperty("token").GetString()!;
    }

    private static async Task<string> CreateOrganizationAsync(AuthTestClient client, string sessionToken)
    {
        var slug = "t-" + Guid.NewGuid().ToString("N")[..12];
        using var response = await client.PostAsync("/api/auth/organization/create", sessionToken, new { name = "Token Org", slug });
        var body = await AuthTestClient.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"organization/create: {(int)response.StatusCode} {body}");
        return body.GetProperty("id").GetString()!;
    }

    /// <summary>Verifies as a resource server would: the host's JWKS, its origin as issuer and audience, ES256 only.</summary>
    private static async Task<TokenValidationResult> ValidateAsync(HttpClient http, string token)
    {
        var keys = new JsonWebKeySet(await http.GetStringAsync("/api/auth/jwks"));
        var origin = http.BaseAddress!.GetLeftPart(UriPartial.Authority);
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = origin,
            ValidAudience = origin,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidAlgorithms = ["ES256"],
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.Zero,
        });
    }
}
