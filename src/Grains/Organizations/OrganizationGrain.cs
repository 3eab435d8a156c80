using Tollgate.Grains.Access;
using Tollgate.Grains.Audit;
using Tollgate.Grains.Identity;
using Tollgate.Storage;
using Tollgate.Postgres;

namespace Tollgate.Grains.Organizations;

/// <summary>
/// Membership changes go through here, one at a time; the member grains hold each role. The member list is read
/// from <c>members</c> at activation and kept current by the changes this grain makes, since no other does.
/// </summary>
public sealed class OrganizationGrain([PersistentState("organization")] IPersistentState<OrganizationState> state, PostgresDatabase database, AuditLog audit, TimeProvider clock)
    : Grain, IOrganizationGrain
{
    private readonly Dictionary<string, string[]> _members = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("SELECT user_id, role FROM members WHERE organization_id = $1");
        command.Parameters.Add(new() { Value = this.GetPrimaryKeyString() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _members[reader.GetString(0)] = PlatformAccess.SplitRoles(reader.GetString(1));
        }
    }

    public async Task<bool> CreateAsync(string name, string slug, string creatorUserId)
    {
        if (state.RecordExists)
        {
            return false;
        }

        state.State = new OrganizationState(name, slug, creatorUserId, clock.GetUtcNow());
        await state.WriteStateAsync();
        await SetMemberAsync(creatorUserId, [OrganizationAccess.Owner]);
        await audit.WriteAsync(creatorUserId, null, InteractionKinds.OrganizationCreated, new { organizationId = this.GetPrimaryKeyString(), name, slug });
        return true;
    }

    public Task<OrganizationInfo?> GetAsync() => Task.FromResult(state.RecordExists ? Info() : null);

    public async Task<OrganizationResult<MemberInfo>> AddMemberAsync(OrganizationActor actor, string userId, string[] roles)
    {
        if (Refusal(actor, OrganizationAccess.MemberCreate, touchesOwnership: roles.Contains(OrganizationAccess.Owner)) is { } refused)
        {
            return refused;
        }

        if (!roles.All(OrganizationAccess.Statement.IsRole) || roles.Length == 0)
        {
            return OrganizationResult<MemberInfo>.Fail(OrganizationError.UnknownRole);
        }

        if (_members.ContainsKey(userId))
        {
            return OrganizationResult<MemberInfo>.Fail(OrganizationError.AlreadyMember);
        }

        if (await GrainFactory.GetGrain<IUserGrain>(userId).GetAsync() is null)
        {
            return OrganizationResult<MemberInfo>.Fail(OrganizationError.UserNotFound);
        }

        var member = await SetMemberAsync(userId, roles);
        await audit.WriteAsync(userId, null, InteractionKinds.MemberAdded, new { organizationId = this.GetPrimaryKeyString(), role = member.Role, by = actor.UserId });
        return OrganizationResult<MemberInfo>.Ok(member);
    }

    public async Task<OrganizationResult<MemberInfo>> UpdateMemberRoleAsync(OrganizationActor actor, string userId, string[] roles)
    {
        if (!_members.TryGetValue(userId, out var current))
        {
            return Refusal(actor, OrganizationAccess.MemberUpdate, false) ?? OrganizationResult<MemberInfo>.Fail(OrganizationError.NotAMember);
        }

        var touchesOwnership = current.Contains(OrganizationAccess.Owner) || roles.Contains(OrganizationAccess.Owner);
        if (Refusal(actor, OrganizationAccess.MemberUpdate, touchesOwnership) is { } refused)
        {
            return refused;
        }

        if (!roles.All(OrganizationAccess.Statement.IsRole) || roles.Length == 0)
        {
            return OrganizationResult<MemberInfo>.Fail(OrganizationError.UnknownRole);
        }

        if (current.Contains(OrganizationAccess.Owner) && !roles.Contains(OrganizationAccess.Owner) && OwnerCount() == 1)
        {
            return OrganizationResult<MemberInfo>.Fail(OrganizationError.LastOwner);
        }

        var member = await SetMemberAsync(userId, roles);
        await audit.WriteAsync(userId, null, InteractionKinds.MemberRoleChanged, new { organizationId = this.GetPrimaryKeyString(), from = string.Join(',', current), to = member.Role, by = actor.UserId });
        return OrganizationResult<MemberInfo>.Ok(member);
    }

    public async Task<OrganizationResult<MemberInfo>> RemoveMemberAsync(OrganizationActor actor, string userId)
    {
        if (!_members.TryGetValue(userId, out var current))
        {
            return Refusal(actor, OrganizationAccess.MemberDelete, false) ?? OrganizationResult<MemberInfo>.Fail(OrganizationError.NotAMember);
        }

        // A member may always leave; removing someone else takes member:delete (and ownership to remove an owner).
        if (actor.UserId != userId && Refusal(actor, OrganizationAccess.MemberDelete, current.Contains(OrganizationAccess.Owner)) is { } refused)
        {
            return refused;
        }

        if (current.Contains(OrganizationAccess.Owner) && OwnerCount() == 1)
        {
            return OrganizationResult<MemberInfo>.Fail(OrganizationError.LastOwner);
        }

        var member = GrainFactory.GetGrain<IMemberGrain>($"{this.GetPrimaryKeyString()}/{userId}");
        var removed = await member.GetAsync();
        await member.RemoveAsync();
        _members.Remove(userId);
        await audit.WriteAsync(userId, null, InteractionKinds.MemberRemoved, new { organizationId = this.GetPrimaryKeyString(), role = string.Join(',', current), by = actor.UserId });
        return OrganizationResult<MemberInfo>.Ok(removed ?? new MemberInfo(this.GetPrimaryKeyString(), userId, string.Join(',', current), clock.GetUtcNow()));
    }

    public async Task<OrganizationResult<OrganizationInfo>> DeleteAsync(OrganizationActor actor)
    {
        if (Refusal(actor, OrganizationAccess.OrganizationDelete, touchesOwnership: true) is { } refusal)
        {
            return OrganizationResult<OrganizationInfo>.Fail(refusal.Error, refusal.Required);
        }

        var deleted = Info();
        // The actor last: a crash part-way leaves an organization its owner can still delete again.
        foreach (var userId in _members.Keys.OrderBy(id => id == actor.UserId).ToList())
        {
            await GrainFactory.GetGrain<IMemberGrain>($"{this.GetPrimaryKeyString()}/{userId}").RemoveAsync();
            _members.Remove(userId);
        }

        await state.ClearStateAsync();
        await audit.WriteAsync(actor.UserId, null, InteractionKinds.OrganizationDeleted, new { organizationId = deleted.Id, name = deleted.Name, slug = deleted.Slug });
        return OrganizationResult<OrganizationInfo>.Ok(deleted);
    }

    /// <summary>Null when <paramref name="actor"/> may do it; changing who owns the organization takes an owner.</summary>
    private OrganizationResult<MemberInfo>? Refusal(OrganizationActor actor, Permission permission, bool touchesOwnership)
    {
        if (!state.RecordExists)
        {
            return OrganizationResult<MemberInfo>.Fail(OrganizationError.NotFound);
        }

        var actorRoles = _members.TryGetValue(actor.UserId, out var roles) ? roles : null;
        if (actorRoles is null)
        {
            return OrganizationResult<MemberInfo>.Fail(OrganizationError.NotAMember);
        }

        if (!OrganizationAccess.Statement.Allows(actorRoles, [permission]))
        {
            return OrganizationResult<MemberInfo>.Fail(OrganizationError.Forbidden, permission);
        }

        return touchesOwnership && !actorRoles.Contains(OrganizationAccess.Owner)
            ? OrganizationResult<MemberInfo>.Fail(OrganizationError.OwnerRequired)
            : null;
    }

    private async Task<MemberInfo> SetMemberAsync(string userId, string[] roles)
    {
        var member = await GrainFactory.GetGrain<IMemberGrain>($"{this.GetPrimaryKeyString()}/{userId}").SetAsync(string.Join(',', roles.Distinct()));
        _members[userId] = member.Roles;
        return member;
    }

    private int OwnerCount() => _members.Values.Count(r => r.Contains(OrganizationAccess.Owner));

    private OrganizationInfo Info() => new(this.GetPrimaryKeyString(), state.State.Name, state.State.Slug, state.State.CreatedAt);
}
