using Tollgate.Storage;

namespace Tollgate.Grains.Organizations;

/// <summary>The organization that owns a slug: the row of <c>organization_slugs</c>.</summary>
public sealed record SlugState(string OrganizationId)
{
    public static readonly StateTable<SlugState> Table =
        new StateTable<SlugState>("organization_slugs", () => new SlugState(""), row => new SlugState(row.Get<string>("organization_id")))
            .WithKey("slug")
            .Column("organization_id", s => s.OrganizationId);
}
