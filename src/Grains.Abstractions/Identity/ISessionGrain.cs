
namespace Tollgate.Grains.Identity;

/// <summary>A session, keyed by session id: its token hash, expiry and revocation. Only its user grain opens or revokes it.</summary>
[Alias("tollgate.ISessionGrain")]
public interface ISessionGrain : IGrainWithStringKey
{
    Task<SessionInfo> CreateAsync(string userId, byte[] tokenHash, SessionRequest request);

    /// <summary>
    /// The session if <paramref name="tokenHash"/> is its token's (compared in constant time) and it is neither
    /// expired nor revoked; slides the expiry when the last refresh is older than the update age.
    /// </summary>
    Task<SessionCheck?> ValidateAsync(byte[] tokenHash);

    /// <summary>The session, or null when it is expired or revoked.</summary>
    Task<SessionInfo?> GetAsync();

    /// <summary>
    /// Makes <paramref name="organizationId"/> the session's active organization (null clears it); false when the
    /// session's user is not a member of it or the session is gone.
    /// </summary>
    Task<bool> SetActiveOrganizationAsync(string? organizationId);

    /// <summary>Revokes the session; false when it was already gone.</summary>
    Task<bool> RevokeAsync();
}
