namespace Tollgate.Runtime.Membership;

/// <summary>One silo's row of the membership table.</summary>
public sealed record MembershipEntry(SiloAddress Silo, SiloStatus Status, IReadOnlyList<Suspicion> Suspicions, DateTime IAmAlive, DateTime StartedAt);
