namespace Tollgate.ApiHost.Auth;

/// <summary>
/// Enforces each endpoint's <see cref="EndpointAccess"/> on every request, before the body is read (so a caller
/// without a credential gets 401, not a complaint about its JSON): the Origin check for cookie POSTs, the caller
/// (401), an API key's own rate limit (429), the ban (403 BANNED, on every request, not only at sign-in) and the
/// permission (403).
/// </summary>
public sealed class AccessMiddleware(RequestDelegate next, CallerResolver callers, TrustedOrigins origins, AuthProblems problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<EndpointAccess>() is not { } access)
        {
            await next(context);
            return;
        }

        if (await RefusalAsync(context, access) is { } refusal)
        {
            await refusal.ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private async Task<IResult?> RefusalAsync(HttpContext context, EndpointAccess access)
    {
        var authentication = await callers.ResolveAsync(context);
        if (HttpMethods.IsPost(context.Request.Method) && !OriginAllowed(context, authentication, access))
        {
            return AuthProblems.InvalidOrigin(context.Request.Headers.Origin.FirstOrDefault());
        }

        if (authentication.RetryAfterSeconds is { } retryAfter)
        {
            return AuthProblems.KeyRateLimited(context, retryAfter);
        }

        if (!access.RequiresCaller)
        {
            return null;
        }

        if (authentication.Caller is not { } caller)
        {
            return problems.Unauthorized(context, authentication.Presented ? "Your session has ended; sign in again." : "Sign in to continue.");
        }

        if (caller.User.Banned)
        {
            return AuthProblems.Banned(caller.User);
        }

        if (access.RequiresSession && caller.Session is null)
        {
            return AuthProblems.SessionRequired();
        }

        if (access.Permission is { } permission && !PlatformAuthorizer.Allows(caller, permission))
        {
            return AuthProblems.Forbidden([permission]);
        }

        return null;
    }

    /// <summary>
    /// A POST authenticated by the cookie must come from a trusted origin (CSRF). A POST that names an untrusted
    /// Origin is refused too, whatever its credential, so a foreign page cannot sign a browser in (login CSRF).
    /// </summary>
    private bool OriginAllowed(HttpContext context, Authentication authentication, EndpointAccess access)
    {
        var origin = context.Request.Headers.Origin.FirstOrDefault();
        return origin is null
            ? !(access.RequiresCaller && authentication.Kind == CredentialKind.Cookie)
            : origins.Contains(origin) || TrustedOrigins.IsSameOrigin(context.Request, origin);
    }
}
