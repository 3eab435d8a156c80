namespace Tollgate.Hosting;

/// <summary>Whether this process can serve: an embedded silo, or a cluster client.</summary>
public interface IReadinessCheck
{
    Task<SiloReadinessReport> CheckAsync(CancellationToken cancellationToken);
}
