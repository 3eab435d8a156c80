namespace Tollgate.Hosting;

/// <summary>
/// The parts of readiness, each of which must hold. <see cref="SiloStarted"/> means: the embedded silo runs
/// (and, in a cluster, is Active), or for a cluster client, at least one silo is active.
/// </summary>
public sealed record SiloReadinessReport(bool SiloStarted, bool DatabaseReachable)
{
    public bool Ready => SiloStarted && DatabaseReachable;
}
