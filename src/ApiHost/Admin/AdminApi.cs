using System.Text.Json;
using Tollgate.ApiHost.Access;
using Tollgate.ApiHost.Auth;
using Tollgate.ApiHost.Errors;
using Tollgate.ApiHost.Http;
using Tollgate.ApiHost.Identity;
using Tollgate.Grains.Access;
using Tollgate.Grains.Identity;

namespace Tollgate.ApiHost.Admin;

/// <summary>better-auth's admin plugin routes over the platform roles (api.md, Platform RBAC and admin).</summary>
internal static class AdminApi
{
    private const long MaxBanSeconds = 100L * 365 * 24 * 3600;

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/auth/admin").WithTags("Admin").WithMetadata(AdminAudited.Instance).WithCommonProblems();
        admin.MapPost("/create-user", CreateUserAsync).RequirePermission(PlatformAccess.UserCreate)
            .WithName("AdminCreateUser").WithSummary("Creates a user with a password and optional roles.")
            .Produces<UserEnvelope>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        admin.MapGet("/list-users", ListUsersAsync).RequirePermission(PlatformAccess.UserList)
            .WithName("AdminListUsers").WithSummary("Pages through users, optionally those whose email or name contains searchValue.")
            .Produces<UserListResponse>().ProducesProblem(StatusCodes.Status400BadRequest);
        admin.MapPost("/set-role", SetRoleAsync).RequirePermission(PlatformAccess.UserSetRole)
            .WithName("AdminSetRole").WithSummary("Replaces a user's platform roles; effective on the next request everywhere.")
            .Produces<UserEnvelope>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/ban-user", BanUserAsync).RequirePermission(PlatformAccess.UserBan)
            .WithName("AdminBanUser").WithSummary("Bans a user (optionally for banExpiresIn seconds) and revokes all its sessions.")
            .Produces<UserEnvelope>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/unban-user", UnbanUserAsync).RequirePermission(PlatformAccess.UserBan)
            .WithName("AdminUnbanUser").WithSummary("Lifts a user's ban.")
            .Produces<UserEnvelope>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/list-user-sessions", ListUserSessionsAsync).RequirePermission(PlatformAccess.SessionList)
            .WithName("AdminListUserSessions").WithSummary("A user's live sessions.")
            .Produces<SessionListResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/revoke-user-session", RevokeUserSessionAsync).RequirePermission(PlatformAccess.SessionRevoke)
            .WithName("AdminRevokeUserSession").WithSummary("Revokes one session, by id (or sessionToken).")
            .Produces<SuccessResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/revoke-user-sessions", RevokeUserSessionsAsync).RequirePermission(PlatformAccess.SessionRevoke)
            .WithName("AdminRevokeUserSessions").WithSummary("Revokes every session of a user.")
            .Produces<SuccessResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/revoke-sessions", RevokeUserSessionsAsync).RequirePermission(PlatformAccess.SessionRevoke)
            .WithName("AdminRevokeSessions").WithSummary("Alias of revoke-user-sessions.")
            .Produces<SuccessResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/delete-api-key", DeleteApiKeyAsync).RequirePermission(PlatformAccess.ApiKeyDelete)
            .WithName("AdminDeleteApiKey").WithSummary("Deletes any user's API key (apiKey:delete, platform admins); audited with the admin as actor.")
            .Produces<SuccessResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/has-permission", HasPermissionAsync).RequireCaller()
            .WithName("AdminHasPermission").WithSummary("Whether the caller's platform roles (united) grant every permission asked.")
            .Produces<PermissionCheckResponse>().ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<IResult> CreateUserAsync(CreateUserRequest? body, HttpContext context, CallerResolver callers, IGrainFactory grains, AuthProblems problems)
    {
        var validation = new RequestValidation();
        var email = validation.Email("email", body?.Email);
        var password = validation.Password("password", body?.Password);
        var name = validation.Text("name", body?.Name, 256);
        var roles = validation.Roles("role", body?.Role, optional: true);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var normalized = EmailAddress.Normalize(email!);
        var created = await grains.GetGrain<IEmailGrain>(normalized).RegisterAsync(new NewUser(name!, normalized, password!, roles), await ActorAsync(context, callers));
        return created.Succeeded ? TypedResults.Ok(new UserEnvelope(UserResponse.From(created.Value!))) : problems.From(context, created.Error, created.User);
    }

    private static async Task<IResult> ListUsersAsync(int? limit, int? offset, string? searchValue, IGrainFactory grains)
    {
        var validation = new RequestValidation();
        if (limit is < 1 or > 1000)
        {
            validation.Add("limit", "must be 1 to 1000");
        }

        if (offset is < 0)
        {
            validation.Add("offset", "must be 0 or more");
        }

        var search = validation.Text("searchValue", searchValue, 256, optional: true);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var page = await grains.GetGrain<IUserDirectoryGrain>("users").ListAsync(search, limit ?? 100, offset ?? 0);
        return TypedResults.Ok(new UserListResponse([.. page.Users.Select(UserResponse.From)], page.Total, limit ?? 100, offset ?? 0));
    }

    private static async Task<IResult> SetRoleAsync(SetRoleRequest? body, HttpContext context, CallerResolver callers, IGrainFactory grains, AuthProblems problems)
    {
        var validation = new RequestValidation();
        var userId = validation.Id("userId", body?.UserId);
        var roles = validation.Roles("role", body?.Role, optional: false);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var result = await grains.GetGrain<IUserGrain>(userId!).SetRoleAsync(roles!, await ActorAsync(context, callers));
        return result.Succeeded ? TypedResults.Ok(new UserEnvelope(UserResponse.From(result.Value!))) : problems.From(context, result.Error, result.User);
    }

    private static async Task<IResult> BanUserAsync(BanUserRequest? body, HttpContext context, CallerResolver callers, IGrainFactory grains, AuthProblems problems)
    {
        var validation = new RequestValidation();
        var userId = validation.Id("userId", body?.UserId);
        var reason = validation.Text("banReason", body?.BanReason, 1024, optional: true);
        if (body?.BanExpiresIn is < 1 or > MaxBanSeconds)
        {
            validation.Add("banExpiresIn", $"must be 1 to {MaxBanSeconds} seconds");
        }

        var actor = await ActorAsync(context, callers);
        if (userId is not null && userId == actor.UserId)
        {
            validation.Add("userId", "you cannot ban yourself");
        }

        if (validation.Failed)
        {
            return validation.Problem();
        }

        var result = await grains.GetGrain<IUserGrain>(userId!).BanAsync(reason, body!.BanExpiresIn, actor);
        return result.Succeeded ? TypedResults.Ok(new UserEnvelope(UserResponse.From(result.Value!))) : problems.From(context, result.Error, result.User);
    }

    private static async Task<IResult> UnbanUserAsync(UserIdRequest? body, HttpContext context, CallerResolver callers, IGrainFactory grains, AuthProblems problems)
    {
        var validation = new RequestValidation();
        var userId = validation.Id("userId", body?.UserId);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var result = await grains.GetGrain<IUserGrain>(userId!).UnbanAsync(await ActorAsync(context, callers));
        return result.Succeeded ? TypedResults.Ok(new UserEnvelope(UserResponse.From(result.Value!))) : problems.From(context, result.Error, result.User);
    }

    private static async Task<IResult> DeleteApiKeyAsync(Tollgate.ApiHost.ApiKeys.DeleteApiKeyRequest? body, HttpContext context, CallerResolver callers, IGrainFactory grains)
    {
        var validation = new RequestValidation();
        var keyId = validation.Id("keyId", body?.KeyId);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var caller = (await callers.ResolveAsync(context)).Caller!;
        var deleted = await grains.GetGrain<Tollgate.Grains.ApiKeys.IApiKeyGrain>(keyId!).DeleteAsAdminAsync(caller.User.Id);
        return deleted.Succeeded ? TypedResults.Ok(SuccessResponse.Ok) : ApiError.NotFound.ToResult("No such API key.");
    }

    private static async Task<IResult> ListUserSessionsAsync(UserIdRequest? body, IGrainFactory grains)
    {
        var validation = new RequestValidation();
        var userId = validation.Id("userId", body?.UserId);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var user = grains.GetGrain<IUserGrain>(userId!);
        if (await user.GetAsync() is null)
        {
            return ApiError.NotFound.ToResult("No such user.");
        }

        return TypedResults.Ok(new SessionListResponse([.. (await user.ListSessionsAsync()).Select(s => SessionResponse.From(s))]));
    }

    private static async Task<IResult> RevokeUserSessionAsync(RevokeUserSessionRequest? body, HttpContext context, CallerResolver callers, IGrainFactory grains)
    {
        var validation = new RequestValidation();
        var sessionId = body?.SessionId is null && body?.SessionToken is { } token
            ? SessionIds.FromTokenOrId(validation, "sessionToken", token)
            : SessionIds.FromTokenOrId(validation, "sessionId", body?.SessionId);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var session = await grains.GetGrain<ISessionGrain>(sessionId!).GetAsync();
        if (session is null || !await grains.GetGrain<IUserGrain>(session.UserId).RevokeSessionAsync(session.Id, await ActorAsync(context, callers)))
        {
            return ApiError.NotFound.ToResult("No such session.");
        }

        return TypedResults.Ok(SuccessResponse.Ok);
    }

    private static async Task<IResult> RevokeUserSessionsAsync(UserIdRequest? body, HttpContext context, CallerResolver callers, IGrainFactory grains)
    {
        var validation = new RequestValidation();
        var userId = validation.Id("userId", body?.UserId);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var user = grains.GetGrain<IUserGrain>(userId!);
        if (await user.GetAsync() is null)
        {
            return ApiError.NotFound.ToResult("No such user.");
        }

        await user.RevokeSessionsAsync(null, await ActorAsync(context, callers));
        return TypedResults.Ok(SuccessResponse.Ok);
    }

    private static async Task<IResult> HasPermissionAsync(HasPermissionRequest? body, HttpContext context, CallerResolver callers)
    {
        var validation = new RequestValidation();
        var requested = PermissionRequests.Parse(validation, "permissions", body?.Permissions ?? body?.Permission);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var caller = (await callers.ResolveAsync(context)).Caller!;
        var missing = PlatformAuthorizer.Missing(caller, requested!);
        return TypedResults.Ok(new PermissionCheckResponse(
            missing.Count == 0, missing.Count == 0 ? null : "Not allowed: " + string.Join(", ", missing)));
    }

    private static async Task<Actor> ActorAsync(HttpContext context, CallerResolver callers) =>
        Actor.User((await callers.ResolveAsync(context)).Caller!.User.Id);
}
