using System.ComponentModel.DataAnnotations;

namespace Tollgate.Runtime.Hosting;

/// <summary>Where a silo process accepts grain calls from clients and other silos (configuration section <c>Silo</c>).</summary>
public sealed class SiloEndpointOptions
{
    public const string Section = "Silo";

    /// <summary>The address to listen on and advertise (a pod IP in Kubernetes).</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 11111;

    /// <summary>HTTP port of <c>/healthz</c> and <c>/readyz</c> for probes; unset: <see cref="Port"/> + 1.</summary>
    [Range(1, 65535)]
    public int? HealthPort { get; set; }
}
