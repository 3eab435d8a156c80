using Tollgate.Grains.ApiKeys;
using Tollgate.Grains.Identity;

namespace Tollgate.ApiHost.Auth;

/// <summary>
/// Reads the request's credential (x-api-key, then Authorization: Bearer, then the cookie; the first present is
/// the identity) and asks the session and user grains, on every request, whether it is still good. There is no
/// cache: a revocation, a ban or a role change is seen by the next request on any host.
/// </summary>
public sealed class CallerResolver(IGrainFactory grains, SessionCookie cookie)
{
    private const string ItemKey = "tollgate.authentication";

    public async ValueTask<Authentication> ResolveAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var cached) && cached is Authentication known)
        {
            return known;
        }

        var authentication = await AuthenticateAsync(context.Request, context.RequestAborted);
        context.Items[ItemKey] = authentication;
        return authentication;
    }

    private async Task<Authentication> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.Headers.TryGetValue("x-api-key", out var apiKey))
        {
            return await ApiKeyAuthenticationAsync(apiKey.ToString().Trim());
        }

        if (BearerValue(request) is { } bearer)
        {
            if (ApiKeyTokens.LooksLikeKey(bearer))
            {
                return await ApiKeyAuthenticationAsync(bearer);
            }

            var token = bearer.Contains('.') ? await cookie.VerifyAsync(bearer, cancellationToken) : bearer;
            return new Authentication(CredentialKind.Bearer, token is null ? null : await SessionCallerAsync(token, CredentialKind.Bearer));
        }

        if (SessionCookie.Read(request) is { } signed)
        {
            var token = await cookie.VerifyAsync(signed, cancellationToken);
            return new Authentication(CredentialKind.Cookie, token is null ? null : await SessionCallerAsync(token, CredentialKind.Cookie));
        }

        return Authentication.Anonymous;
    }

    private static string? BearerValue(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.Length > 7 && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    /// <summary>A key is counted once per request (this runs once; the result is kept for the request).</summary>
    private async Task<Authentication> ApiKeyAuthenticationAsync(string key)
    {
        if (!ApiKeyTokens.IsWellFormed(key))
        {
            return new Authentication(CredentialKind.ApiKey, null);
        }

        var hash = ApiKeyTokens.Hash(key);
        if (await grains.GetGrain<IApiKeyGrain>(ApiKeyTokens.KeyIdOf(hash)).UseAsync(hash) is not { } check)
        {
            return new Authentication(CredentialKind.ApiKey, null);
        }

        if (!check.Allowed)
        {
            return new Authentication(CredentialKind.ApiKey, null, check.RetryAfterSeconds);
        }

        return await grains.GetGrain<IUserGrain>(check.Key.UserId).GetAsync() is { } user
            ? new Authentication(CredentialKind.ApiKey, new Caller(user, null, check.Key, null, CredentialKind.ApiKey, false))
            : new Authentication(CredentialKind.ApiKey, null);
    }

    private async Task<Caller?> SessionCallerAsync(string token, CredentialKind kind)
    {
        if (!SessionTokens.IsWellFormed(token))
        {
            return null;
        }

        var hash = SessionTokens.Hash(token);
        if (await grains.GetGrain<ISessionGrain>(SessionTokens.SessionIdOf(hash)).ValidateAsync(hash) is not { } check)
        {
            return null;
        }

        return await grains.GetGrain<IUserGrain>(check.Session.UserId).GetAsync() is { } user
            ? new Caller(user, check.Session, null, token, kind, check.Refreshed)
            : null;
    }
}
