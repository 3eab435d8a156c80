using Tollgate.Storage;

namespace Tollgate.Grains.Organizations;

/// <summary>A membership's stored state: the row of <c>members</c>, keyed by organization and user.</summary>
public sealed record MemberState(string Role, DateTimeOffset CreatedAt)
{
    public static readonly StateTable<MemberState> Table =
        new StateTable<MemberState>("members", () => new MemberState("", default),
                row => new MemberState(row.Get<string>("role"), row.Get<DateTimeOffset>("created_at")))
            .WithKey("organization_id", "user_id")
            .Column("role", s => s.Role)
            .Column("created_at", s => s.CreatedAt);
}
