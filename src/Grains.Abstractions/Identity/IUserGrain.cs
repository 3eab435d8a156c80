
namespace Tollgate.Grains.Identity;

/// <summary>
/// A user, keyed by user id: the one place that holds its role, its ban and the list of its sessions. A change
/// made here is what the next request on any host sees.
/// </summary>
[Alias("tollgate.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the user; false when it already exists.</summary>
    Task<bool> CreateAsync(UserRegistration registration);

    /// <summary>The user, or null when there is none. An expired ban reads as lifted.</summary>
    Task<UserInfo?> GetAsync();

    /// <summary>The user and its password hash, for the email index to verify a sign-in; null when there is none.</summary>
    Task<UserCredential?> GetCredentialAsync();

    /// <summary>Opens a session; refused while the user is banned.</summary>
    Task<IdentityResult<IssuedSession>> StartSessionAsync(SessionRequest request);

    /// <summary>Replaces the user's platform roles (each must be a known role).</summary>
    Task<IdentityResult<UserInfo>> SetRoleAsync(string[] roles, Actor actor);

    /// <summary>Bans the user (for <paramref name="expiresInSeconds"/>, or for ever) and revokes all its sessions.</summary>
    Task<IdentityResult<UserInfo>> BanAsync(string? reason, long? expiresInSeconds, Actor actor);

    Task<IdentityResult<UserInfo>> UnbanAsync(Actor actor);

    /// <summary>The user's live sessions, newest first.</summary>
    Task<SessionInfo[]> ListSessionsAsync();

    /// <summary>Revokes one of the user's sessions; false when it is not one of them.</summary>
    Task<bool> RevokeSessionAsync(string sessionId, Actor actor);

    /// <summary>Revokes every session of the user except <paramref name="exceptSessionId"/>; returns how many.</summary>
    Task<int> RevokeSessionsAsync(string? exceptSessionId, Actor actor);
}
