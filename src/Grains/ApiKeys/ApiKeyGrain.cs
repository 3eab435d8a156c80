using System.Security.Cryptography;
using System.Text.Json;
using Tollgate.Grains.Access;
using Tollgate.Grains.Audit;
using Tollgate.Grains.Organizations;
using Tollgate.Storage;

namespace Tollgate.Grains.ApiKeys;

/// <summary>
/// One key. Its rate-limit window is counted here, in memory, by the key's only activation: exact across hosts,
/// fixed windows aligned to the clock (not better-auth's idle-reset window, issue #6035). A silo crash forgets the
/// current window's count, which errs towards letting requests through.
/// </summary>
public sealed class ApiKeyGrain([PersistentState("apiKey")] IPersistentState<ApiKeyState> state, AuditLog audit, TimeProvider clock) : Grain, IApiKeyGrain
{
    private ApiKeyInfo? _info;
    private long _window = -1;
    private int _count;

    public async Task<ApiKeyResult<ApiKeyInfo>> CreateAsync(byte[] keyHash, string start, NewApiKey key)
    {
        if (state.RecordExists)
        {
            throw new InvalidOperationException($"API key {this.GetPrimaryKeyString()} already exists.");
        }

        string? organizationRole = null;
        if (key.OrganizationId is { } organizationId)
        {
            var member = await GrainFactory.GetGrain<IMemberGrain>($"{organizationId}/{key.CreatorUserId}").GetAsync();
            if (member is null)
            {
                return ApiKeyResult<ApiKeyInfo>.Fail(ApiKeyError.NotAMember);
            }

            if (!OrganizationAccess.Statement.Allows(member.Roles, [OrganizationAccess.ApiKeyCreate]))
            {
                return ApiKeyResult<ApiKeyInfo>.Fail(ApiKeyError.Forbidden, OrganizationAccess.ApiKeyCreate);
            }

            organizationRole = member.Role;
        }

        var now = clock.GetUtcNow();
        state.State = new ApiKeyState(
            key.Name, start, key.CreatorUserId, key.OrganizationId, organizationRole, keyHash,
            key.Permissions is null ? null : JsonSerializer.Serialize(key.Permissions),
            key.ExpiresInSeconds is { } seconds ? now.AddSeconds(seconds) : null, key.RateLimitMax, key.RateLimitWindowMs, now);
        await state.WriteStateAsync();
        _info = state.State.ToInfo(this.GetPrimaryKeyString());
        await audit.WriteAsync(key.CreatorUserId, null, InteractionKinds.ApiKeyCreated,
            new { keyId = this.GetPrimaryKeyString(), name = key.Name, organizationId = key.OrganizationId, permissions = key.Permissions, expiresAt = _info.ExpiresAt });
        return ApiKeyResult<ApiKeyInfo>.Ok(_info);
    }

    public async Task<ApiKeyCheck?> UseAsync(byte[] keyHash)
    {
        if (!state.RecordExists || !CryptographicOperations.FixedTimeEquals(state.State.KeyHash, keyHash))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (state.State.ExpiresAt is { } expires && expires <= now)
        {
            await state.ClearStateAsync();
            _info = null;
            return null;
        }

        var info = _info ??= state.State.ToInfo(this.GetPrimaryKeyString());
        if (info is not { RateLimitMax: { } max, RateLimitWindowMs: { } windowMs })
        {
            return new ApiKeyCheck(info, true, 0);
        }

        var nowMs = now.ToUnixTimeMilliseconds();
        var window = nowMs / windowMs;
        if (window != _window)
        {
            _window = window;
            _count = 0;
        }

        if (_count >= max)
        {
            return new ApiKeyCheck(info, false, (int)Math.Max(1, Math.Ceiling(((window + 1) * windowMs - nowMs) / 1000.0)));
        }

        _count++;
        return new ApiKeyCheck(info, true, 0);
    }

    public Task<ApiKeyInfo?> GetAsync() => Task.FromResult(state.RecordExists ? _info ??= state.State.ToInfo(this.GetPrimaryKeyString()) : null);

    public async Task<ApiKeyResult<ApiKeyInfo>> DeleteAsync(string actorUserId)
    {
        if (!state.RecordExists)
        {
            return ApiKeyResult<ApiKeyInfo>.Fail(ApiKeyError.NotFound);
        }

        var info = state.State.ToInfo(this.GetPrimaryKeyString());
        if (actorUserId != info.UserId)
        {
            var member = info.OrganizationId is { } organizationId
                ? await GrainFactory.GetGrain<IMemberGrain>($"{organizationId}/{actorUserId}").GetAsync()
                : null;
            if (member is null || !OrganizationAccess.Statement.Allows(member.Roles, [OrganizationAccess.ApiKeyDelete]))
            {
                // Someone else's personal key is not even acknowledged to exist.
                return info.OrganizationId is null || member is null
                    ? ApiKeyResult<ApiKeyInfo>.Fail(ApiKeyError.NotFound)
                    : ApiKeyResult<ApiKeyInfo>.Fail(ApiKeyError.Forbidden, OrganizationAccess.ApiKeyDelete);
            }
        }

        return await ClearAsync(info, actorUserId, byAdmin: false);
    }

    public async Task<ApiKeyResult<ApiKeyInfo>> DeleteAsAdminAsync(string adminUserId) =>
        state.RecordExists
            ? await ClearAsync(state.State.ToInfo(this.GetPrimaryKeyString()), adminUserId, byAdmin: true)
            : ApiKeyResult<ApiKeyInfo>.Fail(ApiKeyError.NotFound);

    private async Task<ApiKeyResult<ApiKeyInfo>> ClearAsync(ApiKeyInfo info, string actorUserId, bool byAdmin)
    {
        await state.ClearStateAsync();
        _info = null;
        await audit.WriteAsync(info.UserId, null, InteractionKinds.ApiKeyDeleted, new { keyId = this.GetPrimaryKeyString(), organizationId = info.OrganizationId, by = actorUserId, byAdmin });
        return ApiKeyResult<ApiKeyInfo>.Ok(info);
    }
}
