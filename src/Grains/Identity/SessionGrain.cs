using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Tollgate.Runtime;

namespace Tollgate.Grains.Identity;

public sealed class SessionGrain(IPersistentState<SessionState> state, IOptions<IdentityOptions> options, TimeProvider clock)
    : Grain, ISessionGrain
{
    private static readonly TimeSpan NotRememberedLifetime = TimeSpan.FromDays(1);

    public async Task<SessionInfo> CreateAsync(string userId, byte[] tokenHash, SessionRequest request)
    {
        if (state.RecordExists)
        {
            throw new InvalidOperationException($"Session {GrainKey} already exists.");
        }

        var now = clock.GetUtcNow();
        var lifetime = request.RememberMe ? TimeSpan.FromSeconds(options.Value.SessionExpiresIn) : NotRememberedLifetime;
        state.State = new SessionState(userId, tokenHash, now + lifetime, now, now, request.IpAddress, request.UserAgent, null, request.RememberMe);
        await state.WriteAsync();
        return state.State.ToInfo(GrainKey);
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
            await state.ClearAsync();
            return null;
        }

        var refreshed = false;
        if (state.State.RememberMe && now - state.State.UpdatedAt >= TimeSpan.FromSeconds(options.Value.SessionUpdateAge))
        {
            state.State = state.State with { ExpiresAt = now + TimeSpan.FromSeconds(options.Value.SessionExpiresIn), UpdatedAt = now };
            await state.WriteAsync();
            refreshed = true;
        }

        return new SessionCheck(state.State.ToInfo(GrainKey), refreshed);
    }

    public Task<SessionInfo?> GetAsync() => Task.FromResult(
        state.RecordExists && state.State.ExpiresAt > clock.GetUtcNow() ? state.State.ToInfo(GrainKey) : null);

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
        await state.WriteAsync();
        return true;
    }

    public async Task<bool> RevokeAsync()
    {
        if (!state.RecordExists)
        {
            return false;
        }

        await state.ClearAsync();
        return true;
    }
}
