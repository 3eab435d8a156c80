namespace Tollgate.ApiHost.Tokens;

/// <summary>GET /api/auth/token: a short-lived ES256 JWT for services that verify the caller without calling Tollgate.</summary>
public sealed record TokenResponse(string Token);
