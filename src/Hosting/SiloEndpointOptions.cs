using System.ComponentModel.DataAnnotations;

namespace Tollgate.Hosting;

/// <summary>Where a silo accepts calls from other silos and from clients (configuration section <c>Silo</c>).</summary>
public sealed class SiloEndpointOptions
{
    public const string Section = "Silo";

    /// <summary>The address to listen on and advertise in the membership table (a pod IP in Kubernetes).</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Silo-to-silo port; unset in an embedded API host: 11111 if free, else any free port.</summary>
    [Range(1, 65535)]
    public int? Port { get; set; }

    /// <summary>Gateway port for cluster clients (API hosts in cluster mode); unset in an embedded API host: 30000 if free, else any free port.</summary>
    [Range(1, 65535)]
    public int? GatewayPort { get; set; }

    /// <summary>A silo process's HTTP port of <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>; unset: <see cref="Port"/> + 1.</summary>
    [Range(1, 65535)]
    public int? HealthPort { get; set; }

    /// <summary>The silo's name in the membership table (the pod name in Kubernetes); unset: the host name.</summary>
    public string? Name { get; set; }
}
