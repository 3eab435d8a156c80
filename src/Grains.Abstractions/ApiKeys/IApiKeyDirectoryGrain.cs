
namespace Tollgate.Grains.ApiKeys;

/// <summary>Queries over API keys (key <c>api-keys</c>).</summary>
[Alias("tollgate.IApiKeyDirectoryGrain")]
public interface IApiKeyDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The keys a user made, and the keys of organizations where the user may read keys (<c>apiKey:read</c>).</summary>
    Task<ApiKeyInfo[]> ListForUserAsync(string userId);
}
