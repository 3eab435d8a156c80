namespace Tollgate.LoadTest.Options;

/// <summary>What the load consists of (<c>--scenario</c>).</summary>
public enum Scenario
{
    /// <summary>Agent services consume quota with their organization keys, on many subscriptions and one hot one.</summary>
    Consume,

    /// <summary>Signed-in users read their session, half by cookie, half by bearer token.</summary>
    Sessions,

    /// <summary>Consumes and session reads, with admin role changes, session revocations and signed Stripe webhook bursts alongside.</summary>
    Mixed,

    /// <summary>A steady consume load while silo processes join and leave the cluster (1 → 3 → 1 silos by default).</summary>
    Elastic,
}
