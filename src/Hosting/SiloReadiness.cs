using Orleans.Runtime;
using Tollgate.Postgres;

namespace Tollgate.Hosting;

/// <summary>A silo is ready when Orleans' membership lists it Active and the database answers.</summary>
internal sealed class SiloReadiness(IClusterMembershipService membership, ILocalSiloDetails silo, PostgresDatabase database) : IReadinessCheck
{
    public async Task<SiloReadinessReport> CheckAsync(CancellationToken cancellationToken) => new(
        membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress) == SiloStatus.Active,
        await database.IsReachableAsync(cancellationToken));
}
