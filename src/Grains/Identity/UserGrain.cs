using Tollgate.Grains.Access;
using Tollgate.Grains.Audit;
using Tollgate.Storage;

namespace Tollgate.Grains.Identity;

public sealed class UserGrain([PersistentState("user")] IPersistentState<UserState> state, AuditLog audit, TimeProvider clock) : Grain, IUserGrain
{
    /// <summary>Past this many listed sessions, expired ones are dropped from the list when a new one opens.</summary>
    private const int PruneAt = 16;

    public async Task<bool> CreateAsync(UserRegistration registration)
    {
        if (state.RecordExists)
        {
            return false;
        }

        var now = clock.GetUtcNow();
        state.State = new UserState(registration.Name, registration.Email, false, string.Join(',', registration.Roles), false, null, null,
            registration.PasswordHash, [], now, now);
        await state.WriteStateAsync();
        await audit.WriteAsync(this.GetPrimaryKeyString(), null, InteractionKinds.UserCreated, new { email = registration.Email, role = state.State.Role, by = registration.Actor });
        return true;
    }

    public Task<UserInfo?> GetAsync() => Task.FromResult(state.RecordExists ? state.State.ToInfo(this.GetPrimaryKeyString(), clock.GetUtcNow()) : null);

    public Task<UserCredential?> GetCredentialAsync() => Task.FromResult(
        state.RecordExists ? new UserCredential(state.State.ToInfo(this.GetPrimaryKeyString(), clock.GetUtcNow()), state.State.PasswordHash) : null);

    public async Task<IdentityResult<IssuedSession>> StartSessionAsync(SessionRequest request)
    {
        if (!state.RecordExists)
        {
            return IdentityResult<IssuedSession>.Fail(IdentityError.NotFound);
        }

        var user = state.State.ToInfo(this.GetPrimaryKeyString(), clock.GetUtcNow());
        if (user.Banned)
        {
            return IdentityResult<IssuedSession>.Fail(IdentityError.Banned, user);
        }

        var token = SessionTokens.Create();
        var hash = SessionTokens.Hash(token);
        var sessionId = SessionTokens.SessionIdOf(hash);
        // The session row is written before the user lists it: a crash in between leaves a session its user does
        // not list (it still expires), never a listed id without a session.
        var session = await GrainFactory.GetGrain<ISessionGrain>(sessionId).CreateAsync(this.GetPrimaryKeyString(), hash, request);
        var listed = state.State.SessionIds.Length >= PruneAt ? await LiveSessionIdsAsync() : [.. state.State.SessionIds];
        state.State = state.State with { SessionIds = [.. listed, sessionId] };
        await state.WriteStateAsync();
        return IdentityResult<IssuedSession>.Ok(new IssuedSession(token, session, user));
    }

    public async Task<IdentityResult<UserInfo>> SetRoleAsync(string[] roles, Actor actor)
    {
        if (!state.RecordExists)
        {
            return IdentityResult<UserInfo>.Fail(IdentityError.NotFound);
        }

        if (roles.Length == 0 || !roles.All(PlatformAccess.Statement.IsRole))
        {
            return IdentityResult<UserInfo>.Fail(IdentityError.UnknownRole);
        }

        var previous = state.State.Role;
        state.State = state.State with { Role = string.Join(',', roles.Distinct()), UpdatedAt = clock.GetUtcNow() };
        await state.WriteStateAsync();
        await audit.WriteAsync(this.GetPrimaryKeyString(), null, InteractionKinds.RoleChanged, new { from = previous, to = state.State.Role, by = actor });
        return IdentityResult<UserInfo>.Ok(state.State.ToInfo(this.GetPrimaryKeyString(), clock.GetUtcNow()));
    }

    public async Task<IdentityResult<UserInfo>> BanAsync(string? reason, long? expiresInSeconds, Actor actor)
    {
        if (!state.RecordExists)
        {
            return IdentityResult<UserInfo>.Fail(IdentityError.NotFound);
        }

        var now = clock.GetUtcNow();
        var expires = expiresInSeconds is { } seconds ? now.AddSeconds(seconds) : (DateTimeOffset?)null;
        var revoked = await RevokeAllAsync(except: null);
        state.State = state.State with { Banned = true, BanReason = reason, BanExpires = expires, SessionIds = [], UpdatedAt = now };
        await state.WriteStateAsync();
        await audit.WriteAsync(this.GetPrimaryKeyString(), null, InteractionKinds.UserBanned, new { reason, expires, sessionsRevoked = revoked, by = actor });
        return IdentityResult<UserInfo>.Ok(state.State.ToInfo(this.GetPrimaryKeyString(), now));
    }

    public async Task<IdentityResult<UserInfo>> UnbanAsync(Actor actor)
    {
        if (!state.RecordExists)
        {
            return IdentityResult<UserInfo>.Fail(IdentityError.NotFound);
        }

        var now = clock.GetUtcNow();
        state.State = state.State with { Banned = false, BanReason = null, BanExpires = null, UpdatedAt = now };
        await state.WriteStateAsync();
        await audit.WriteAsync(this.GetPrimaryKeyString(), null, InteractionKinds.UserUnbanned, new { by = actor });
        return IdentityResult<UserInfo>.Ok(state.State.ToInfo(this.GetPrimaryKeyString(), now));
    }

    public async Task<SessionInfo[]> ListSessionsAsync()
    {
        var sessions = new List<SessionInfo>();
        foreach (var id in state.State.SessionIds)
        {
            if (await GrainFactory.GetGrain<ISessionGrain>(id).GetAsync() is { } session)
            {
                sessions.Add(session);
            }
        }

        return [.. sessions.OrderByDescending(s => s.CreatedAt)];
    }

    public async Task<bool> RevokeSessionAsync(string sessionId, Actor actor)
    {
        if (!state.State.SessionIds.Contains(sessionId))
        {
            return false;
        }

        var revoked = await GrainFactory.GetGrain<ISessionGrain>(sessionId).RevokeAsync();
        state.State = state.State with { SessionIds = [.. state.State.SessionIds.Where(id => id != sessionId)] };
        await state.WriteStateAsync();
        await audit.WriteAsync(this.GetPrimaryKeyString(), null, InteractionKinds.SessionsRevoked, new { sessionIds = new[] { sessionId }, by = actor });
        return revoked;
    }

    public async Task<int> RevokeSessionsAsync(string? exceptSessionId, Actor actor)
    {
        if (!state.RecordExists)
        {
            return 0;
        }

        var revoked = await RevokeAllAsync(exceptSessionId);
        state.State = state.State with { SessionIds = [.. state.State.SessionIds.Where(id => id == exceptSessionId)] };
        await state.WriteStateAsync();
        await audit.WriteAsync(this.GetPrimaryKeyString(), null, InteractionKinds.SessionsRevoked, new { count = revoked, except = exceptSessionId, by = actor });
        return revoked;
    }

    private async Task<int> RevokeAllAsync(string? except)
    {
        var revoked = 0;
        foreach (var id in state.State.SessionIds.Where(id => id != except))
        {
            revoked += await GrainFactory.GetGrain<ISessionGrain>(id).RevokeAsync() ? 1 : 0;
        }

        return revoked;
    }

    /// <summary>The listed sessions that still exist.</summary>
    private async Task<List<string>> LiveSessionIdsAsync()
    {
        var live = new List<string>();
        foreach (var id in state.State.SessionIds)
        {
            if (await GrainFactory.GetGrain<ISessionGrain>(id).GetAsync() is not null)
            {
                live.Add(id);
            }
        }

        return live;
    }
}
