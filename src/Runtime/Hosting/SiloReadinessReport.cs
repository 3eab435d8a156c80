namespace Tollgate.Runtime.Hosting;

/// <summary>The parts of readiness, each of which must hold.</summary>
public sealed record SiloReadinessReport(bool SiloStarted, bool DatabaseReachable)
{
    public bool Ready => SiloStarted && DatabaseReachable;
}
