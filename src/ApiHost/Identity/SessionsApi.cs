using Tollgate.ApiHost.Auth;
using Tollgate.ApiHost.Errors;
using Tollgate.ApiHost.Http;
using Tollgate.Grains.Identity;

namespace Tollgate.ApiHost.Identity;

/// <summary>The caller's own sessions (api.md, Sessions).</summary>
internal static class SessionsApi
{
    public static RouteGroupBuilder MapSessionsApi(this RouteGroupBuilder auth)
    {
        auth.MapGet("/get-session", GetSessionAsync).AllowAnyone()
            .WithName("GetSession").WithSummary("The caller's session and user, or JSON null when not signed in; slides the expiry.")
            .Produces<SessionEnvelope>();
        auth.MapPost("/sign-out", SignOutAsync).RequireSession()
            .WithName("SignOut").WithSummary("Revokes the caller's session and clears the cookie.")
            .Produces<SuccessResponse>();
        auth.MapGet("/list-sessions", ListSessionsAsync).RequireSession()
            .WithName("ListSessions").WithSummary("The caller's live sessions.")
            .Produces<SessionResponse[]>();
        auth.MapPost("/revoke-session", RevokeSessionAsync).RequireSession()
            .WithName("RevokeSession").WithSummary("Revokes one of the caller's sessions, by token or session id.")
            .Produces<SuccessResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        auth.MapPost("/revoke-other-sessions", RevokeOtherSessionsAsync).RequireSession()
            .WithName("RevokeOtherSessions").WithSummary("Revokes every session of the caller but this one.")
            .Produces<RevokedResponse>();
        auth.MapPost("/revoke-sessions", RevokeAllSessionsAsync).RequireSession()
            .WithName("RevokeSessions").WithSummary("Revokes every session of the caller, this one included.")
            .Produces<RevokedResponse>();
        return auth;
    }

    private static async Task<IResult> GetSessionAsync(HttpContext context, CallerResolver callers, SessionCookie cookie)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        var authentication = await callers.ResolveAsync(context);
        if (authentication.Caller is not { } caller || caller.User.Banned)
        {
            if (authentication.Kind == CredentialKind.Cookie)
            {
                cookie.Clear(context.Response);
            }

            return JsonNull.Result();
        }

        if (caller is { Refreshed: true, Kind: CredentialKind.Cookie, Session: { } refreshed, Token: { } token })
        {
            await cookie.WriteAsync(context.Response, token, refreshed, context.RequestAborted);
        }

        // An API key has no session; like better-auth, answer one that stands for the key (its id, its organization).
        var session = caller.Session ?? KeySession(caller.ApiKey!);
        return TypedResults.Ok(new SessionEnvelope(SessionResponse.From(session, caller.Token), UserResponse.From(caller.User)));
    }

    private static SessionInfo KeySession(Grains.ApiKeys.ApiKeyInfo key) => new(
        key.Id, key.UserId, key.ExpiresAt ?? DateTimeOffset.UtcNow.AddDays(30), key.CreatedAt, key.CreatedAt, null, null, key.OrganizationId, false);

    private static async Task<IResult> SignOutAsync(HttpContext context, CallerResolver callers, IGrainFactory grains, SessionCookie cookie)
    {
        var caller = (await callers.ResolveAsync(context)).Caller!;
        await grains.GetGrain<IUserGrain>(caller.User.Id).RevokeSessionAsync(caller.Session!.Id, Actor.User(caller.User.Id));
        cookie.Clear(context.Response);
        return TypedResults.Ok(SuccessResponse.Ok);
    }

    private static async Task<IResult> ListSessionsAsync(HttpContext context, CallerResolver callers, IGrainFactory grains)
    {
        var caller = (await callers.ResolveAsync(context)).Caller!;
        var sessions = await grains.GetGrain<IUserGrain>(caller.User.Id).ListSessionsAsync();
        return TypedResults.Ok(sessions.Select(s => SessionResponse.From(s, s.Id == caller.Session!.Id ? caller.Token : null)).ToArray());
    }

    private static async Task<IResult> RevokeSessionAsync(RevokeSessionRequest? body, HttpContext context, CallerResolver callers, IGrainFactory grains, SessionCookie cookie)
    {
        var validation = new RequestValidation();
        var sessionId = SessionIds.FromTokenOrId(validation, "token", body?.Token);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var caller = (await callers.ResolveAsync(context)).Caller!;
        if (!await grains.GetGrain<IUserGrain>(caller.User.Id).RevokeSessionAsync(sessionId!, Actor.User(caller.User.Id)))
        {
            return ApiError.NotFound.ToResult("You have no such session.");
        }

        if (sessionId == caller.Session!.Id)
        {
            cookie.Clear(context.Response);
        }

        return TypedResults.Ok(SuccessResponse.Ok);
    }

    private static async Task<IResult> RevokeOtherSessionsAsync(HttpContext context, CallerResolver callers, IGrainFactory grains)
    {
        var caller = (await callers.ResolveAsync(context)).Caller!;
        await grains.GetGrain<IUserGrain>(caller.User.Id).RevokeSessionsAsync(caller.Session!.Id, Actor.User(caller.User.Id));
        return TypedResults.Ok(RevokedResponse.Ok);
    }

    private static async Task<IResult> RevokeAllSessionsAsync(HttpContext context, CallerResolver callers, IGrainFactory grains, SessionCookie cookie)
    {
        var caller = (await callers.ResolveAsync(context)).Caller!;
        await grains.GetGrain<IUserGrain>(caller.User.Id).RevokeSessionsAsync(null, Actor.User(caller.User.Id));
        cookie.Clear(context.Response);
        return TypedResults.Ok(RevokedResponse.Ok);
    }
}
