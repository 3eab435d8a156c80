using Microsoft.Extensions.Options;
using Tollgate.Grains.Access;
using Tollgate.Storage;

namespace Tollgate.Grains.Identity;

public sealed class EmailGrain([PersistentState("email")] IPersistentState<EmailState> state, PasswordHasher passwords, IOptions<IdentityOptions> options)
    : Grain, IEmailGrain
{
    public async Task<IdentityResult<UserInfo>> RegisterAsync(NewUser user, Actor actor)
    {
        if (await OwnerInfoAsync() is not null)
        {
            return IdentityResult<UserInfo>.Fail(IdentityError.UserExists);
        }

        var roles = user.Roles ?? [options.Value.IsBootstrapAdmin(this.GetPrimaryKeyString()) ? PlatformAccess.Admin : PlatformAccess.Member];
        if (roles.Length == 0 || !roles.All(PlatformAccess.Statement.IsRole))
        {
            return IdentityResult<UserInfo>.Fail(IdentityError.UnknownRole);
        }

        // The claim is written before the user exists; a claim whose user was never created (a crash in between)
        // is taken over by the next registration, because ownership is judged by the user grain, not the claim.
        var userId = Guid.CreateVersion7().ToString("N");
        state.State = new EmailState(userId);
        await state.WriteStateAsync();
        var created = GrainFactory.GetGrain<IUserGrain>(userId);
        await created.CreateAsync(new UserRegistration(user.Name, this.GetPrimaryKeyString(), passwords.Hash(user.Password), roles, actor));
        return IdentityResult<UserInfo>.Ok((await created.GetAsync())!);
    }

    public async Task<IdentityResult<IssuedSession>> SignInAsync(string password, SessionRequest request)
    {
        var credential = state.RecordExists ? await GrainFactory.GetGrain<IUserGrain>(state.State.UserId).GetCredentialAsync() : null;
        if (credential is null)
        {
            passwords.VerifyDecoy(password);
            return IdentityResult<IssuedSession>.Fail(IdentityError.InvalidCredentials);
        }

        if (!passwords.Verify(password, credential.PasswordHash))
        {
            return IdentityResult<IssuedSession>.Fail(IdentityError.InvalidCredentials);
        }

        var user = GrainFactory.GetGrain<IUserGrain>(credential.User.Id);
        if (options.Value.IsBootstrapAdmin(this.GetPrimaryKeyString()) && !credential.User.Roles.Contains(PlatformAccess.Admin))
        {
            await user.SetRoleAsync([.. credential.User.Roles, PlatformAccess.Admin], Actor.Bootstrap);
        }

        return await user.StartSessionAsync(request);
    }

    public async Task<string?> OwnerAsync() => (await OwnerInfoAsync())?.Id;

    private async Task<UserInfo?> OwnerInfoAsync() =>
        state.RecordExists ? await GrainFactory.GetGrain<IUserGrain>(state.State.UserId).GetAsync() : null;
}
