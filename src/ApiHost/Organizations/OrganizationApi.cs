using System.Text.Json;
using Tollgate.ApiHost.Access;
using Tollgate.ApiHost.Auth;
using Tollgate.ApiHost.Http;
using Tollgate.ApiHost.Identity;
using Tollgate.Grains.Access;
using Tollgate.Grains.Organizations;

namespace Tollgate.ApiHost.Organizations;

/// <summary>better-auth's organization routes (api.md, Organizations).</summary>
internal static class OrganizationApi
{
    public static RouteGroupBuilder MapOrganizationApi(this RouteGroupBuilder auth)
    {
        var organization = auth.MapGroup("/organization").WithTags("Organizations");
        organization.MapPost("/create", CreateAsync).RequireSession()
            .WithName("CreateOrganization").WithSummary("Creates an organization with the caller as owner and makes it the session's active one.")
            .Produces<FullOrganizationResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        organization.MapPost("/add-member", AddMemberAsync).RequireCaller()
            .WithName("AddMember").WithSummary("Adds a user with a role (member:create; only owners add owners).")
            .Produces<MemberResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        organization.MapPost("/update-member-role", UpdateMemberRoleAsync).RequireCaller()
            .WithName("UpdateMemberRole").WithSummary("Changes a member's role (member:update); the last owner cannot be demoted.")
            .Produces<MemberResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        organization.MapPost("/remove-member", RemoveMemberAsync).RequireCaller()
            .WithName("RemoveMember").WithSummary("Removes a member (member:delete, or oneself); the last owner cannot be removed.")
            .Produces<MemberResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        organization.MapPost("/delete", DeleteAsync).RequireCaller()
            .WithName("DeleteOrganization").WithSummary("Deletes an organization (organization:delete, owners): its members lose their roles and keys made there their power.")
            .Produces<OrganizationResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        organization.MapPost("/set-active", SetActiveAsync).RequireSession()
            .WithName("SetActiveOrganization").WithSummary("Sets (or with null clears) the session's active organization.")
            .Produces<OrganizationResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        organization.MapGet("/list", ListAsync).RequireCaller()
            .WithName("ListOrganizations").WithSummary("The organizations the caller is a member of.")
            .Produces<OrganizationResponse[]>();
        organization.MapGet("/get-full-organization", GetFullAsync).RequireCaller()
            .WithName("GetFullOrganization").WithSummary("An organization with its members: organizationId, else the active one.")
            .Produces<FullOrganizationResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        organization.MapPost("/has-permission", HasPermissionAsync).RequireCaller()
            .WithName("OrganizationHasPermission").WithSummary("Whether the caller holds the permissions in the organization (body, else active, else the key's).")
            .Produces<PermissionCheckResponse>().ProducesProblem(StatusCodes.Status400BadRequest);
        return auth;
    }

    private static async Task<IResult> CreateAsync(CreateOrganizationRequest? body, HttpContext context, CallerResolver callers, IGrainFactory grains)
    {
        var validation = new RequestValidation();
        var name = validation.Text("name", body?.Name, 128);
        var slug = validation.Slug("slug", body?.Slug);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var caller = (await callers.ResolveAsync(context)).Caller!;
        var created = await grains.GetGrain<IOrganizationSlugGrain>(slug!).CreateOrganizationAsync(name!, caller.User.Id);
        if (!created.Succeeded)
        {
            return OrganizationProblems.From(created);
        }

        await grains.GetGrain<Grains.Identity.ISessionGrain>(caller.Session!.Id).SetActiveOrganizationAsync(created.Value!.Id);
        return TypedResults.Ok(await FullAsync(grains, created.Value));
    }

    private static Task<IResult> AddMemberAsync(MemberRequest? body, HttpContext context, CallerResolver callers, OrganizationAuthorizer authorizer, IGrainFactory grains) =>
        ChangeMemberAsync(body, context, callers, authorizer, grains, OrganizationAccess.MemberCreate, needsRole: true,
            (organization, actor, userId, roles) => organization.AddMemberAsync(actor, userId, roles!));

    private static Task<IResult> UpdateMemberRoleAsync(MemberRequest? body, HttpContext context, CallerResolver callers, OrganizationAuthorizer authorizer, IGrainFactory grains) =>
        ChangeMemberAsync(body, context, callers, authorizer, grains, OrganizationAccess.MemberUpdate, needsRole: true,
            (organization, actor, userId, roles) => organization.UpdateMemberRoleAsync(actor, userId, roles!));

    private static Task<IResult> RemoveMemberAsync(MemberRequest? body, HttpContext context, CallerResolver callers, OrganizationAuthorizer authorizer, IGrainFactory grains) =>
        ChangeMemberAsync(body, context, callers, authorizer, grains, OrganizationAccess.MemberDelete, needsRole: false,
            (organization, actor, userId, _) => organization.RemoveMemberAsync(actor, userId));

    /// <summary>
    /// The shared path of the three membership changes: validate, resolve the organization, check an API key's own
    /// permissions, then let the organization grain apply its rules.
    /// </summary>
    private static async Task<IResult> ChangeMemberAsync(
        MemberRequest? body, HttpContext context, CallerResolver callers, OrganizationAuthorizer authorizer, IGrainFactory grains, Permission permission, bool needsRole,
        Func<IOrganizationGrain, OrganizationActor, string, string[]?, Task<OrganizationResult<MemberInfo>>> change)
    {
        var validation = new RequestValidation();
        var organizationId = validation.Id("organizationId", body?.OrganizationId, optional: true);
        var userId = validation.Id("userId", body?.UserId);
        var roles = needsRole ? validation.MemberRoles("role", body?.Role) : null;
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var caller = (await callers.ResolveAsync(context)).Caller!;
        var decision = await authorizer.AuthorizeAsync(caller, organizationId, [permission]);
        // A member leaving needs no permission; everything else does, and a key's list must allow it.
        var leaving = permission == OrganizationAccess.MemberDelete && userId == caller.User.Id && caller.ApiKey is null;
        if (!decision.IsMember || (!leaving && decision.Missing.Count > 0))
        {
            return OrganizationProblems.From(decision);
        }

        var result = await change(grains.GetGrain<IOrganizationGrain>(decision.OrganizationId!), OrganizationAuthorizer.ActorOf(caller), userId!, roles);
        return result.Succeeded ? TypedResults.Ok(MemberResponse.From(result.Value!)) : OrganizationProblems.From(result);
    }

    private static async Task<IResult> SetActiveAsync(SetActiveOrganizationRequest? body, HttpContext context, CallerResolver callers, IGrainFactory grains)
    {
        var validation = new RequestValidation();
        var given = body?.OrganizationId ?? default;
        if (given.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.String))
        {
            validation.Add("organizationId", "must be a string or null");
        }

        var organizationId = given.ValueKind == JsonValueKind.String ? validation.Id("organizationId", given.GetString()) : null;
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var caller = (await callers.ResolveAsync(context)).Caller!;
        if (given.ValueKind == JsonValueKind.Undefined)
        {
            // Nothing named: the active organization stays and is returned.
            organizationId = caller.Session!.ActiveOrganizationId;
            return organizationId is not null && await grains.GetGrain<IOrganizationGrain>(organizationId).GetAsync() is { } active
                ? TypedResults.Ok(OrganizationResponse.From(active))
                : JsonNull.Result();
        }

        if (!await grains.GetGrain<Grains.Identity.ISessionGrain>(caller.Session!.Id).SetActiveOrganizationAsync(organizationId))
        {
            return OrganizationProblems.NotFound();
        }

        return organizationId is null
            ? JsonNull.Result()
            : TypedResults.Ok(OrganizationResponse.From((await grains.GetGrain<IOrganizationGrain>(organizationId).GetAsync())!));
    }

    private static async Task<IResult> DeleteAsync(
        DeleteOrganizationRequest? body, HttpContext context, CallerResolver callers, OrganizationAuthorizer authorizer, IGrainFactory grains)
    {
        var validation = new RequestValidation();
        // Named, never the active one by default: deleting is not something to do to whatever happens to be active.
        var organizationId = validation.Id("organizationId", body?.OrganizationId);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var caller = (await callers.ResolveAsync(context)).Caller!;
        var decision = await authorizer.AuthorizeAsync(caller, organizationId, [OrganizationAccess.OrganizationDelete]);
        if (!decision.Allowed)
        {
            return OrganizationProblems.From(decision);
        }

        var result = await grains.GetGrain<IOrganizationGrain>(organizationId!).DeleteAsync(OrganizationAuthorizer.ActorOf(caller));
        return result.Succeeded ? TypedResults.Ok(OrganizationResponse.From(result.Value!)) : OrganizationProblems.From(result);
    }

    private static async Task<IResult> ListAsync(HttpContext context, CallerResolver callers, IGrainFactory grains)
    {
        var caller = (await callers.ResolveAsync(context)).Caller!;
        if (caller.ApiKey is { OrganizationId: { } keyOrganization })
        {
            var own = await grains.GetGrain<IOrganizationGrain>(keyOrganization).GetAsync();
            return TypedResults.Ok(own is null ? [] : new[] { OrganizationResponse.From(own) });
        }

        var organizations = await grains.GetGrain<IOrganizationDirectoryGrain>("organizations").ListForUserAsync(caller.User.Id);
        return TypedResults.Ok(organizations.Select(OrganizationResponse.From).ToArray());
    }

    private static async Task<IResult> GetFullAsync(string? organizationId, HttpContext context, CallerResolver callers, OrganizationAuthorizer authorizer, IGrainFactory grains)
    {
        var validation = new RequestValidation();
        var id = validation.Id("organizationId", organizationId, optional: true);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var decision = await authorizer.AuthorizeAsync((await callers.ResolveAsync(context)).Caller!, id, []);
        if (!decision.Allowed)
        {
            return OrganizationProblems.From(decision);
        }

        if (await grains.GetGrain<IOrganizationGrain>(decision.OrganizationId!).GetAsync() is not { } organization)
        {
            return OrganizationProblems.NotFound();
        }

        return TypedResults.Ok(await FullAsync(grains, organization));
    }

    private static async Task<IResult> HasPermissionAsync(OrganizationPermissionRequest? body, HttpContext context, CallerResolver callers, OrganizationAuthorizer authorizer)
    {
        var validation = new RequestValidation();
        var requested = PermissionRequests.Parse(validation, "permissions", body?.Permissions ?? body?.Permission);
        var organizationId = validation.Id("organizationId", body?.OrganizationId, optional: true);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var decision = await authorizer.AuthorizeAsync((await callers.ResolveAsync(context)).Caller!, organizationId, requested!);
        if (decision.NoOrganization)
        {
            return OrganizationProblems.NoActiveOrganization();
        }

        return TypedResults.Ok(new PermissionCheckResponse(
            decision.Allowed,
            decision.Allowed ? null : !decision.IsMember ? "Not a member of this organization." : "Not allowed: " + string.Join(", ", decision.Missing)));
    }

    private static async Task<FullOrganizationResponse> FullAsync(IGrainFactory grains, OrganizationInfo organization)
    {
        var members = await grains.GetGrain<IOrganizationDirectoryGrain>("organizations").MembersAsync(organization.Id);
        return new FullOrganizationResponse(organization.Id, organization.Name, organization.Slug, null, organization.CreatedAt,
            [.. members.Select(m => MemberResponse.From(m.Member, new MemberUser(m.Member.UserId, m.Name, m.Email)))], []);
    }
}
