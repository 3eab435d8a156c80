namespace Tollgate.ApiHost.Identity;

public sealed record SignUpResponse(string Token, UserResponse User);

public sealed record SignInResponse(bool Redirect, string Token, string? Url, UserResponse User);

public sealed record SessionEnvelope(SessionResponse Session, UserResponse User);

public sealed record SuccessResponse(bool Success)
{
    public static readonly SuccessResponse Ok = new(true);
}

/// <summary>better-auth answers its revoke-sessions routes with <c>status</c>; api.md with <c>success</c>: both are sent.</summary>
public sealed record RevokedResponse(bool Success, bool Status)
{
    public static readonly RevokedResponse Ok = new(true, true);
}

public sealed record UserEnvelope(UserResponse User);

public sealed record UserListResponse(UserResponse[] Users, long Total, int Limit, int Offset);

public sealed record SessionListResponse(SessionResponse[] Sessions);

public sealed record PermissionCheckResponse(bool Success, string? Error);
