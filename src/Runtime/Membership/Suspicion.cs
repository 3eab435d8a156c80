namespace Tollgate.Runtime.Membership;

/// <summary>A vote that a silo is dead: who voted and when (votes expire).</summary>
public sealed record Suspicion(string By, DateTime At);
