using System.Text.Json;

namespace Tollgate.ApiHost.Organizations;

public sealed record CreateOrganizationRequest(string? Name, string? Slug);

public sealed record MemberRequest(string? OrganizationId, string? UserId, JsonElement? Role);

public sealed record SetActiveOrganizationRequest(string? OrganizationId);

public sealed record OrganizationPermissionRequest(JsonElement? Permissions, JsonElement? Permission, string? OrganizationId);
