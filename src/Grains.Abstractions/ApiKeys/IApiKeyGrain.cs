
namespace Tollgate.Grains.ApiKeys;

/// <summary>An API key, keyed by key id: its hash, owner, limits and its rate-limit window (exact, cluster-wide).</summary>
[Alias("tollgate.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>Creates the key for a hash whose id is this grain's key; an organization key needs <c>apiKey:create</c> there.</summary>
    Task<ApiKeyResult<ApiKeyInfo>> CreateAsync(byte[] keyHash, string start, NewApiKey key);

    /// <summary>
    /// The key if <paramref name="keyHash"/> is its hash (constant-time) and it has not expired; counts this use
    /// in its fixed rate-limit window. Null for an unknown, deleted or expired key.
    /// </summary>
    Task<ApiKeyCheck?> UseAsync(byte[] keyHash);

    Task<ApiKeyInfo?> GetAsync();

    /// <summary>Deletes the key: its creator, or a member with <c>apiKey:delete</c> in its organization, may.</summary>
    Task<ApiKeyResult<ApiKeyInfo>> DeleteAsync(string actorUserId);

    /// <summary>Deletes the key on a platform admin's authority (<c>apiKey:delete</c>, checked by the caller); audited with the admin as actor.</summary>
    Task<ApiKeyResult<ApiKeyInfo>> DeleteAsAdminAsync(string adminUserId);
}
