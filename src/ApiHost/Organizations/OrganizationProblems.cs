using Tollgate.ApiHost.Auth;
using Tollgate.ApiHost.Errors;
using Tollgate.Grains.Access;
using Tollgate.Grains.Organizations;

namespace Tollgate.ApiHost.Organizations;

/// <summary>The one mapping from organization outcomes to HTTP errors.</summary>
internal static class OrganizationProblems
{
    public static IResult NoActiveOrganization() => ApiError.NoActiveOrganization.ToResult(
        "Name an organizationId, set an active organization, or use a key that belongs to an organization.");

    public static IResult NotFound() => ApiError.NotFound.ToResult("No such organization, or you are not a member of it.");

    /// <summary>The refusal of a decision that is not allowed: no organization, not a member, or missing permissions.</summary>
    public static IResult From(OrganizationDecision decision) =>
        decision.NoOrganization ? NoActiveOrganization() : !decision.IsMember ? NotFound() : AuthProblems.Forbidden(decision.Missing);

    public static IResult From<T>(OrganizationResult<T> result) where T : class => result.Error switch
    {
        OrganizationError.NotFound or OrganizationError.NotAMember => ApiError.NotFound.ToResult("No such organization or member."),
        OrganizationError.UserNotFound => ApiError.NotFound.ToResult("No such user."),
        OrganizationError.SlugTaken => ApiError.OrganizationAlreadyExists.ToResult("An organization with this slug already exists."),
        OrganizationError.AlreadyMember => ApiError.MemberAlreadyExists.ToResult("The user is already a member of this organization."),
        OrganizationError.LastOwner => ApiError.LastOwner.ToResult("The organization's last owner cannot be removed or demoted; make another member owner first."),
        OrganizationError.Forbidden => AuthProblems.Forbidden(result.Required is { } required ? [required] : []),
        OrganizationError.OwnerRequired => ApiError.Forbidden.ToResult(
            "Only an owner can grant or take ownership, or remove an owner.", new Dictionary<string, object?> { ["required"] = new[] { "role:owner" } }),
        OrganizationError.UnknownRole => ApiError.ValidationFailed.ToResult("Unknown member role.", new Dictionary<string, object?>
        {
            ["errors"] = new Dictionary<string, string[]> { ["role"] = ["must be one or more of: " + string.Join(", ", OrganizationAccess.Statement.Roles.Keys)] },
        }),
        _ => throw new InvalidOperationException($"No HTTP mapping for {result.Error}."),
    };
}
