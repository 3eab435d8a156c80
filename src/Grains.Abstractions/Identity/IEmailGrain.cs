
namespace Tollgate.Grains.Identity;

/// <summary>
/// The email index, keyed by the lower-cased address: one owner per address. Registration and sign-in start
/// here, so two sign-ups of one address cannot both win.
/// </summary>
[Alias("tollgate.IEmailGrain")]
public interface IEmailGrain : IGrainWithStringKey
{
    /// <summary>Creates a user with this address; <see cref="IdentityError.UserExists"/> when it has an owner.</summary>
    Task<IdentityResult<UserInfo>> RegisterAsync(NewUser user, Actor actor);

    /// <summary>
    /// Verifies the password and opens a session. An unknown address and a wrong password give the same error
    /// after the same work.
    /// </summary>
    Task<IdentityResult<IssuedSession>> SignInAsync(string password, SessionRequest request);

    /// <summary>The id of the user who owns this address, or null.</summary>
    Task<string?> OwnerAsync();
}
