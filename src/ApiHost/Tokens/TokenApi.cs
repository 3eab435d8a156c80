using System.Text.Json;
using Tollgate.ApiHost.Auth;
using Tollgate.ApiHost.Organizations;

namespace Tollgate.ApiHost.Tokens;

/// <summary>Short-lived JWTs and the keys that verify them (api.md, API keys; better-auth's jwt plugin).</summary>
internal static class TokenApi
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    public static RouteGroupBuilder MapTokenApi(this RouteGroupBuilder auth)
    {
        auth.MapGet("/token", GetTokenAsync).RequireCaller()
            .WithName("GetToken").WithSummary("A JWT (ES256, 15 minutes) naming the caller, its role, its session or key and its organization.")
            .Produces<TokenResponse>();
        auth.MapGet("/jwks", GetJwksAsync).AllowAnyone()
            .WithName("GetJwks").WithSummary("The public keys that verify the tokens of /token.")
            .Produces<JsonWebKeySet>();
        return auth;
    }

    private static async Task<IResult> GetTokenAsync(
        HttpContext context, CallerResolver callers, OrganizationAuthorizer organizations, JwksStore keys, TimeProvider clock,
        Microsoft.Extensions.Options.IOptions<AuthOptions> options)
    {
        var caller = (await callers.ResolveAsync(context)).Caller!;
        var organization = await organizations.AuthorizeAsync(caller, null, []);
        var key = await keys.SigningKeyAsync(context.RequestAborted);
        // A configured issuer wins: behind a proxy the request's own scheme and host are not what clients see.
        var issuer = options.Value.Issuer ?? $"{context.Request.Scheme}://{context.Request.Host}";
        var issuedAt = clock.GetUtcNow().ToUnixTimeSeconds();

        using var payload = new MemoryStream();
        using (var claims = new Utf8JsonWriter(payload))
        {
            claims.WriteStartObject();
            claims.WriteString("sub", caller.User.Id);
            claims.WriteString("role", caller.User.Role);
            if (caller.Session is { } session)
            {
                claims.WriteString("sid", session.Id);
            }
            else
            {
                claims.WriteString("kid", caller.ApiKey!.Id);
            }

            if (organization.IsMember)
            {
                claims.WriteString("orgId", organization.OrganizationId);
                claims.WriteString("orgRole", string.Join(",", organization.Roles!));
            }

            claims.WriteString("iss", issuer);
            claims.WriteString("aud", issuer);
            claims.WriteNumber("iat", issuedAt);
            claims.WriteNumber("exp", issuedAt + (long)Lifetime.TotalSeconds);
            claims.WriteEndObject();
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new TokenResponse(key.Sign(payload.GetBuffer().AsSpan(0, (int)payload.Length))));
    }

    private static async Task<IResult> GetJwksAsync(HttpContext context, JwksStore keys)
    {
        var set = await keys.PublicKeysAsync(context.RequestAborted);
        context.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Ok(set);
    }
}
