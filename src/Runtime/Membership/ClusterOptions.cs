using System.ComponentModel.DataAnnotations;

namespace Tollgate.Runtime.Membership;

/// <summary>Membership and failure detection (configuration section <c>Cluster</c>). Defaults suit production.</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string ClusterId { get; set; } = "tollgate";

    /// <summary>How often each silo probes its peers.</summary>
    public TimeSpan ProbePeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a probe may take before it counts as missed.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Missed probes in a row before a silo votes its peer dead.</summary>
    [Range(1, 100)]
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>Votes that declare a silo dead (fewer when fewer silos are active).</summary>
    [Range(1, 10)]
    public int VotesForDeath { get; set; } = 2;

    /// <summary>A vote older than this no longer counts.</summary>
    public TimeSpan VoteExpiry { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a silo writes its heartbeat.</summary>
    public TimeSpan IAmAlivePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a silo re-reads the table (besides after its own changes).</summary>
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Dead rows older than this are deleted.</summary>
    public TimeSpan DefunctAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Where a grain with no activation is activated.</summary>
    public GrainDirectory.PlacementStrategy Placement { get; set; } = GrainDirectory.PlacementStrategy.Hash;

    /// <summary>Peers probed by each silo, chosen as the next ones after it on the ordered ring.</summary>
    [Range(1, 100)]
    public int ProbedPeers { get; set; } = 10;
}
