using Tollgate.Storage;

namespace Tollgate.Grains.Organizations;

/// <summary>An organization's stored state: the row of <c>organizations</c>.</summary>
public sealed record OrganizationState(string Name, string Slug, string CreatedBy, DateTimeOffset CreatedAt)
{
    public static readonly StateTable<OrganizationState> Table =
        new StateTable<OrganizationState>("organizations", () => new OrganizationState("", "", "", default),
                row => new OrganizationState(row.Get<string>("name"), row.Get<string>("slug"), row.Get<string>("created_by"), row.Get<DateTimeOffset>("created_at")))
            .Column("name", s => s.Name)
            .Column("slug", s => s.Slug)
            .Column("created_by", s => s.CreatedBy)
            .Column("created_at", s => s.CreatedAt);
}
