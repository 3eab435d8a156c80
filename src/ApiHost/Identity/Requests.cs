using System.Text.Json;

namespace Tollgate.ApiHost.Identity;

// Every member is nullable: a missing member is reported by RequestValidation as a field error, not by the binder.
public sealed record SignUpRequest(string? Name, string? Email, string? Password, bool? RememberMe);

public sealed record SignInRequest(string? Email, string? Password, bool? RememberMe);

public sealed record RevokeSessionRequest(string? Token);

public sealed record CreateUserRequest(string? Email, string? Password, string? Name, JsonElement? Role);

public sealed record SetRoleRequest(string? UserId, JsonElement? Role);

public sealed record BanUserRequest(string? UserId, string? BanReason, long? BanExpiresIn);

public sealed record UserIdRequest(string? UserId);

public sealed record RevokeUserSessionRequest(string? SessionId, string? SessionToken);

public sealed record HasPermissionRequest(JsonElement? Permissions, JsonElement? Permission);
