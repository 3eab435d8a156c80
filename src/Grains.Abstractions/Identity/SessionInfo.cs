namespace Tollgate.Grains.Identity;

/// <summary>A live session as clients see it. The token itself is never stored, only its SHA-256.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.SessionInfo")]
public sealed record SessionInfo(
    string Id,
    string UserId,
    DateTimeOffset ExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? IpAddress,
    string? UserAgent,
    string? ActiveOrganizationId,
    bool RememberMe);
