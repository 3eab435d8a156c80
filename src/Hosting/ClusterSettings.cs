using System.ComponentModel.DataAnnotations;

namespace Tollgate.Hosting;

/// <summary>
/// The cluster (configuration section <c>Cluster</c>). The defaults make a crashed or frozen silo cost seconds,
/// not minutes: it is declared dead after about <see cref="ProbeTimeout"/> × (<see cref="MissedProbesLimit"/> + 1),
/// a call waits at most <see cref="ResponseTimeout"/>, and clients re-read the gateways every <see cref="RefreshPeriod"/>.
/// </summary>
public sealed class ClusterSettings
{
    public const string Section = "Cluster";

    /// <summary>Silos and clients of one cluster share it (Orleans' <c>ClusterId</c>, the membership table's DeploymentId).</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string ClusterId { get; set; } = "tollgate";

    /// <summary>Orleans' <c>ServiceId</c>: stays the same across deployments of the service.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string ServiceId { get; set; } = "tollgate";

    /// <summary>How long a probe of a peer may take before it counts as missed.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes in a row before a silo suspects its peer.</summary>
    [Range(1, 100)]
    public int MissedProbesLimit { get; set; } = 2;

    /// <summary>How often silos re-read the membership table and clients the gateway list.</summary>
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a grain call may wait for its answer.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>TCP connections each process keeps to each silo or gateway (Orleans' <c>ConnectionsPerEndpoint</c>): more spread a busy client's calls over more threads.</summary>
    [Range(1, 16)]
    public int ConnectionsPerEndpoint { get; set; } = 2;

    /// <summary>Where a grain without an activation is activated (Orleans' default placement strategy).</summary>
    public GrainPlacementKind Placement { get; set; } = GrainPlacementKind.ResourceOptimized;

    /// <summary>Where silos record which silo holds each grain's activation (README, "One activation").</summary>
    public GrainDirectoryKind Directory { get; set; } = GrainDirectoryKind.Default;

    /// <summary>
    /// With <see cref="GrainDirectoryKind.Distributed"/>: how long a directory range that changed owner because its
    /// owner crashed stays closed to new registrations (Orleans' <c>RangeLeaseDuration</c>, less its failure-detection
    /// window), so that a silo that is not yet known to be dead cannot still be serving an activation of it.
    /// </summary>
    public TimeSpan DirectoryLease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The Orleans Dashboard (silos, activations, calls per second): its grains and profiler in every silo, its pages at
    /// <c>/dashboard</c> of the API hosts for platform admins. Silos and API hosts of one cluster must agree.
    /// </summary>
    public bool Dashboard { get; set; } = true;
}

/// <summary>Orleans' placement strategies (<see cref="ClusterSettings.Placement"/>).</summary>
public enum GrainPlacementKind
{
    /// <summary>Orleans 10's default: the silo with the most spare resources, from the silos' load statistics.</summary>
    ResourceOptimized,

    /// <summary>The silo the grain id hashes to among the active silos: no statistics, no decision to wait for.</summary>
    Hash,

    /// <summary>Any active silo.</summary>
    Random,
}

/// <summary>Orleans' grain directories (<see cref="ClusterSettings.Directory"/>).</summary>
public enum GrainDirectoryKind
{
    /// <summary>Orleans' default: a distributed hash table, eventually consistent while membership changes.</summary>
    Default,

    /// <summary>Orleans' strongly consistent directory (<c>AddDistributedGrainDirectory</c>, experimental in 10.4.2).</summary>
    Distributed,
}
