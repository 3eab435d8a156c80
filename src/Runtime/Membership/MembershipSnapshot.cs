namespace Tollgate.Runtime.Membership;

/// <summary>The membership table at one version. Snapshots are applied only in increasing version order.</summary>
public sealed record MembershipSnapshot(long Version, IReadOnlyList<MembershipEntry> Members)
{
    public static readonly MembershipSnapshot Empty = new(-1, []);

    public MembershipEntry? Find(SiloAddress silo) => Members.FirstOrDefault(m => m.Silo == silo);

    /// <summary>Active silos, ordered the same way on every silo (placement hashes over this order).</summary>
    public IReadOnlyList<SiloAddress> ActiveSilos => Members.Where(m => m.Status == SiloStatus.Active)
        .Select(m => m.Silo).OrderBy(s => s.ToString(), StringComparer.Ordinal).ToList();
}
