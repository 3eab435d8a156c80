using System.Text.Json;
using Tollgate.ApiHost.Access;
using Tollgate.ApiHost.Auth;
using Tollgate.ApiHost.Errors;
using Tollgate.ApiHost.Http;
using Tollgate.ApiHost.Identity;
using Tollgate.ApiHost.Organizations;
using Tollgate.Grains.Access;
using Tollgate.Grains.ApiKeys;
using Tollgate.Grains.Identity;

namespace Tollgate.ApiHost.ApiKeys;

/// <summary>API keys for agent backends and services (api.md, API keys).</summary>
internal static class ApiKeysApi
{
    private const long MaxExpiresInSeconds = 5L * 365 * 24 * 3600;
    private const long MaxWindowMs = 31L * 24 * 3600 * 1000;

    public static RouteGroupBuilder MapApiKeysApi(this RouteGroupBuilder auth)
    {
        var keys = auth.MapGroup("/api-key").WithTags("API keys");
        keys.MapPost("/create", CreateAsync).RequireSession()
            .WithName("CreateApiKey").WithSummary("Creates a key (shown once), owned by the caller or by an organization (apiKey:create there).")
            .Produces<CreatedApiKeyResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        keys.MapGet("/list", ListAsync).RequireCaller()
            .WithName("ListApiKeys").WithSummary("The caller's keys and the keys of organizations where it may read them.")
            .Produces<ApiKeyListResponse>();
        keys.MapPost("/delete", DeleteAsync).RequireCaller()
            .WithName("DeleteApiKey").WithSummary("Deletes a key; refused on the next request everywhere.")
            .Produces<SuccessResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        keys.MapPost("/verify", VerifyAsync).RequireCaller()
            .WithName("VerifyApiKey").WithSummary("Checks a key (and optionally its permissions), counting one use; platform admins or the key's organization owners and admins.")
            .Produces<VerifyApiKeyResponse>().ProducesProblem(StatusCodes.Status400BadRequest);
        return auth;
    }

    private static async Task<IResult> CreateAsync(CreateApiKeyRequest? body, HttpContext context, CallerResolver callers, IGrainFactory grains)
    {
        var validation = new RequestValidation();
        var name = validation.Text("name", body?.Name, 64);
        var organizationId = validation.Id("organizationId", body?.OrganizationId, optional: true);
        if (body?.ExpiresIn is < 60 or > MaxExpiresInSeconds)
        {
            validation.Add("expiresIn", $"must be 60 to {MaxExpiresInSeconds} seconds");
        }

        var permissions = body?.Permissions is { ValueKind: not JsonValueKind.Null } json ? KnownPermissions(validation, json) : null;
        if (body?.RateLimit is { } limit)
        {
            if (limit.MaxRequests is not (>= 1 and <= 1_000_000_000))
            {
                validation.Add("rateLimit.maxRequests", "must be 1 to 1000000000");
            }

            if (limit.TimeWindowMs is not (>= 1000 and <= MaxWindowMs))
            {
                validation.Add("rateLimit.timeWindowMs", $"must be 1000 to {MaxWindowMs}");
            }
        }

        if (validation.Failed)
        {
            return validation.Problem();
        }

        var caller = (await callers.ResolveAsync(context)).Caller!;
        var secret = ApiKeyTokens.Create();
        var hash = ApiKeyTokens.Hash(secret);
        var created = await grains.GetGrain<IApiKeyGrain>(ApiKeyTokens.KeyIdOf(hash)).CreateAsync(hash, secret[..ApiKeyTokens.StartLength], new NewApiKey(
            name!, caller.User.Id, organizationId, permissions, body!.ExpiresIn, body.RateLimit?.MaxRequests, body.RateLimit?.TimeWindowMs));
        if (!created.Succeeded)
        {
            return Problem(created);
        }

        var key = ApiKeyResponse.From(created.Value!);
        return TypedResults.Ok(new CreatedApiKeyResponse(
            key.Id, secret, key.Start, key.Prefix, key.Name, key.OrganizationId, key.Permissions, key.ExpiresAt, key.RateLimit, key.CreatedAt));
    }

    private static async Task<IResult> ListAsync(HttpContext context, CallerResolver callers, IGrainFactory grains)
    {
        var caller = (await callers.ResolveAsync(context)).Caller!;
        if (caller.ApiKey is { } acting && !acting.Permits(OrganizationAccess.ApiKeyRead))
        {
            return AuthProblems.Forbidden([OrganizationAccess.ApiKeyRead]);
        }

        var keys = await grains.GetGrain<IApiKeyDirectoryGrain>("api-keys").ListForUserAsync(caller.User.Id);
        if (caller.ApiKey is { OrganizationId: { } organizationId })
        {
            keys = [.. keys.Where(k => k.OrganizationId == organizationId)];
        }

        return TypedResults.Ok(new ApiKeyListResponse([.. keys.Select(ApiKeyResponse.From)], keys.Length, keys.Length, 0));
    }

    private static async Task<IResult> DeleteAsync(DeleteApiKeyRequest? body, HttpContext context, CallerResolver callers, IGrainFactory grains)
    {
        var validation = new RequestValidation();
        var keyId = validation.Id("keyId", body?.KeyId);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var caller = (await callers.ResolveAsync(context)).Caller!;
        if (caller.ApiKey is { } acting && !acting.Permits(OrganizationAccess.ApiKeyDelete))
        {
            return AuthProblems.Forbidden([OrganizationAccess.ApiKeyDelete]);
        }

        var deleted = await grains.GetGrain<IApiKeyGrain>(keyId!).DeleteAsync(caller.User.Id);
        return deleted.Succeeded ? TypedResults.Ok(SuccessResponse.Ok) : Problem(deleted);
    }

    private static async Task<IResult> VerifyAsync(
        VerifyApiKeyRequest? body, HttpContext context, CallerResolver callers, OrganizationAuthorizer organizations, IGrainFactory grains)
    {
        var validation = new RequestValidation();
        var presented = validation.Text("key", body?.Key, 256);
        var requested = body?.Permissions is { ValueKind: not JsonValueKind.Null } json ? PermissionRequests.Parse(validation, "permissions", json) : [];
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var caller = (await callers.ResolveAsync(context)).Caller!;
        var wellFormed = ApiKeyTokens.IsWellFormed(presented!);
        var hash = ApiKeyTokens.Hash(presented!);
        var grain = grains.GetGrain<IApiKeyGrain>(ApiKeyTokens.KeyIdOf(hash));
        // Authorize before counting, so a caller without the right cannot spend someone's rate limit.
        var known = wellFormed ? await grain.GetAsync() : null;
        var mayVerify = PlatformAuthorizer.Allows(caller, PlatformAccess.ApiKeyVerify)
            || (known?.OrganizationId is { } organizationId && (await organizations.AuthorizeAsync(caller, organizationId, [OrganizationAccess.ApiKeyRead])).Allowed);
        if (!mayVerify)
        {
            return AuthProblems.Forbidden([PlatformAccess.ApiKeyVerify]);
        }

        if ((wellFormed ? await grain.UseAsync(hash) : null) is not { } check)
        {
            return TypedResults.Ok(new VerifyApiKeyResponse(false, new VerifyError("The key is unknown, deleted or expired.", "INVALID_API_KEY"), null));
        }

        var key = ApiKeyResponse.From(check.Key);
        if (!check.Allowed)
        {
            return TypedResults.Ok(new VerifyApiKeyResponse(false, new VerifyError($"Rate limited; retry in {check.RetryAfterSeconds} s.", "RATE_LIMITED"), key));
        }

        if (await grains.GetGrain<IUserGrain>(check.Key.UserId).GetAsync() is not { Banned: false })
        {
            return TypedResults.Ok(new VerifyApiKeyResponse(false, new VerifyError("The key's user is banned or gone.", "BANNED"), key));
        }

        var missing = requested!.Where(p => !check.Key.Permits(p)).ToList();
        return missing.Count > 0
            ? TypedResults.Ok(new VerifyApiKeyResponse(false, new VerifyError("Not allowed: " + string.Join(", ", missing), "KEY_NOT_ALLOWED"), key))
            : TypedResults.Ok(new VerifyApiKeyResponse(true, null, key));
    }

    /// <summary>Key permissions must name actions of the platform or organization statements.</summary>
    private static Dictionary<string, string[]>? KnownPermissions(RequestValidation validation, JsonElement json)
    {
        var parsed = PermissionRequests.Parse(validation, "permissions", json);
        if (parsed is null)
        {
            return null;
        }

        foreach (var unknown in parsed.Where(p => !PlatformAccess.Statement.Contains(p) && !OrganizationAccess.Statement.Contains(p)))
        {
            validation.Add("permissions", $"'{unknown}' is not a known permission");
        }

        return parsed.GroupBy(p => p.Resource).ToDictionary(g => g.Key, g => g.Select(p => p.Action).Distinct().ToArray());
    }

    private static IResult Problem<T>(ApiKeyResult<T> result) where T : class => result.Error switch
    {
        ApiKeyError.NotFound => ApiError.NotFound.ToResult("No such API key."),
        ApiKeyError.NotAMember => OrganizationProblems.NotFound(),
        ApiKeyError.Forbidden => AuthProblems.Forbidden(result.Required is { } required ? [required] : []),
        _ => throw new InvalidOperationException($"No HTTP mapping for {result.Error}."),
    };
}
