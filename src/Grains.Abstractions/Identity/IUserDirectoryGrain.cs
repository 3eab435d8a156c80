
namespace Tollgate.Grains.Identity;

/// <summary>Queries over all users (the admin list); one activation, key <c>users</c>.</summary>
[Alias("tollgate.IUserDirectoryGrain")]
public interface IUserDirectoryGrain : IGrainWithStringKey
{
    /// <summary>Users whose email or name contains <paramref name="search"/> (case-insensitive), oldest first.</summary>
    Task<UserPage> ListAsync(string? search, int limit, int offset);
}
