using System.Text.Json;

namespace Tollgate.ApiHost.Organizations;

[Tollgate.ApiHost.Http.RequiredMembers("Name", "Slug")]
public sealed record CreateOrganizationRequest(string? Name, string? Slug);

[Tollgate.ApiHost.Http.RequiredMembers("OrganizationId")]
public sealed record DeleteOrganizationRequest(string? OrganizationId);

[Tollgate.ApiHost.Http.RequiredMembers("UserId")]
public sealed record MemberRequest(string? OrganizationId, string? UserId, JsonElement? Role);

/// <summary>A missing <c>organizationId</c> keeps the active organization; an explicit null clears it (as better-auth).</summary>
public sealed record SetActiveOrganizationRequest(JsonElement OrganizationId);

public sealed record OrganizationPermissionRequest(JsonElement? Permissions, JsonElement? Permission, string? OrganizationId);
