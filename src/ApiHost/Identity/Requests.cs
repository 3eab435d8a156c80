using System.Text.Json;

namespace Tollgate.ApiHost.Identity;

// Every member is nullable: a missing member is reported by RequestValidation as a field error, not by the binder.
[Tollgate.ApiHost.Http.RequiredMembers("Name", "Email", "Password")]
public sealed record SignUpRequest(string? Name, string? Email, string? Password, bool? RememberMe);

[Tollgate.ApiHost.Http.RequiredMembers("Email", "Password")]
public sealed record SignInRequest(string? Email, string? Password, bool? RememberMe);

[Tollgate.ApiHost.Http.RequiredMembers("Token")]
public sealed record RevokeSessionRequest(string? Token);

[Tollgate.ApiHost.Http.RequiredMembers("Email", "Password", "Name")]
public sealed record CreateUserRequest(string? Email, string? Password, string? Name, JsonElement? Role);

[Tollgate.ApiHost.Http.RequiredMembers("UserId", "Role")]
public sealed record SetRoleRequest(string? UserId, JsonElement? Role);

[Tollgate.ApiHost.Http.RequiredMembers("UserId")]
public sealed record BanUserRequest(string? UserId, string? BanReason, long? BanExpiresIn);

[Tollgate.ApiHost.Http.RequiredMembers("UserId")]
public sealed record UserIdRequest(string? UserId);

public sealed record RevokeUserSessionRequest(string? SessionId, string? SessionToken);

public sealed record HasPermissionRequest(JsonElement? Permissions, JsonElement? Permission);
