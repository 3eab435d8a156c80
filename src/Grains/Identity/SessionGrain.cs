using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Tollgate.Storage;

namespace Tollgate.Grains.Identity;

public sealed class SessionGrain([PersistentState("session")] IPersistentState<SessionState> state, IOptions<IdentityOptions> options, TimeProvider clock)
    : Grain, ISessionGrain
{
    private static readonly TimeSpan NotRememberedLifetime = TimeSpan.FromDays(1);

    public async Task<SessionInfo> CreateAsync(string userId, byte[] tokenHash, SessionRequest request)
    {
        if (state.RecordExists)
        {
            throw new InvalidOperationException($"Session {this.GetPrimaryKeyString()} already exists.");
        }

        var now = clock.GetUtcNow();
        var lifetime = request.RememberMe ? TimeSpan.FromSeconds(options.Value.SessionExpiresIn) : NotRememberedLifetime;
        state.State = new SessionState(userId, tokenHash, now + lifetime, now, now, request.IpAddress, request.UserAgent, null, request.RememberMe);
        await state.WriteStateAsync();
        return state.State.ToInfo(this.GetPrimaryKeyString());
    }

    public async Task<SessionCheck?> ValidateAsync(byte[] tokenHash)
    {
        if (!state.RecordExists || !CryptographicOperations.FixedTimeEquals(state.State.TokenHash, tokenHash))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (state.State.ExpiresAt <= now)
        {
            await state.ClearStateAsync();
            return null;
        }

        var refreshed = false;
        if (state.State.RememberMe && now - state.State.UpdatedAt >= TimeSpan.FromSeconds(options.Value.SessionUpdateAge))
        {
            state.State = state.State with { ExpiresAt = now + TimeSpan.FromSeconds(options.Value.SessionExpiresIn), UpdatedAt = now };
            await state.WriteStateAsync();
            refreshed = true;
        }

        return new SessionCheck(state.State.ToInfo(this.GetPrimaryKeyString()), refreshed);
    }

    public Task<SessionInfo?> GetAsync() => Task.FromResult(
        state.RecordExists && state.State.ExpiresAt > clock.GetUtcNow() ? state.State.ToInfo(this.GetPrimaryKeyString()) : null);

    public async Task<bool> SetActiveOrganizationAsync(string? organizationId)
    {
        if (!state.RecordExists || state.State.ExpiresAt <= clock.GetUtcNow())
        {
            return false;
        }

        if (organizationId is not null &&
            await GrainFactory.GetGrain<Organizations.IMemberGrain>($"{organizationId}/{state.State.UserId}").GetAsync() is null)
        {
            return false;
        }

        state.State = state.State with { ActiveOrganizationId = organizationId };
        await state.WriteStateAsync();
        return true;
    }

    public async Task<bool> RevokeAsync()
    {
        if (!state.RecordExists)
        {
            return false;
        }

        await state.ClearStateAsync();
        return true;
    }
}
