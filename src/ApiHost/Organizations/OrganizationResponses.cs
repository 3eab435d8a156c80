using Tollgate.Grains.Organizations;

namespace Tollgate.ApiHost.Organizations;

public sealed record OrganizationResponse(string Id, string Name, string Slug, string? Logo, DateTimeOffset CreatedAt)
{
    public static OrganizationResponse From(OrganizationInfo organization) =>
        new(organization.Id, organization.Name, organization.Slug, null, organization.CreatedAt);
}

/// <summary>better-auth's member; its id is <c>organizationId/userId</c> (a membership is identified by the pair).</summary>
public sealed record MemberResponse(string Id, string OrganizationId, string UserId, string Role, DateTimeOffset CreatedAt, MemberUser? User)
{
    public static MemberResponse From(MemberInfo member, MemberUser? user = null) =>
        new($"{member.OrganizationId}/{member.UserId}", member.OrganizationId, member.UserId, member.Role, member.CreatedAt, user);
}

public sealed record MemberUser(string Id, string Name, string Email);

public sealed record FullOrganizationResponse(
    string Id, string Name, string Slug, string? Logo, DateTimeOffset CreatedAt, MemberResponse[] Members, object[] Invitations);
