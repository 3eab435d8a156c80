using Tollgate.ApiHost.Auth;
using Tollgate.Grains.Access;
using Tollgate.Grains.Organizations;

namespace Tollgate.ApiHost.Organizations;

/// <summary>
/// Organization permissions, the same for every credential (better-auth issue #6307 is the bug we do not have).
/// The organization is the one named in the request, else the session's active one, else the API key's. The
/// roles are the caller's membership, read from its member grain on every request (so a removal or a role change
/// holds on the next request everywhere). An API key acts with its creator's membership as it is now, never with
/// a role remembered from when the key was made: demote or remove the creator and the key's power follows on the
/// next request. An organization key acts only in its organization, and a key's permissions narrow the result.
/// </summary>
public sealed class OrganizationAuthorizer(IGrainFactory grains)
{
    public async Task<OrganizationDecision> AuthorizeAsync(Caller caller, string? organizationId, IReadOnlyList<Permission> required)
    {
        var resolved = organizationId ?? caller.Session?.ActiveOrganizationId ?? caller.ApiKey?.OrganizationId;
        if (resolved is null)
        {
            return new OrganizationDecision(null, null, required);
        }

        var roles = await RolesAsync(caller, resolved);
        var missing = roles is null
            ? required
            : required.Where(p => !OrganizationAccess.Statement.Allows(roles, [p]) || caller.ApiKey?.Permits(p) == false).ToList();
        return new OrganizationDecision(resolved, roles, missing);
    }

    /// <summary>The actor for membership changes: the user (for a key, its creator), whose membership the organization checks in its own turn.</summary>
    public static OrganizationActor ActorOf(Caller caller) => new(caller.User.Id);

    private async Task<string[]?> RolesAsync(Caller caller, string organizationId) =>
        caller.ApiKey is { OrganizationId: { } keyOrganization } && keyOrganization != organizationId
            ? null
            : (await grains.GetGrain<IMemberGrain>($"{organizationId}/{caller.User.Id}").GetAsync())?.Roles;
}
