using Microsoft.Extensions.DependencyInjection;
using Tollgate.Runtime.Membership;
using Tollgate.Runtime.Postgres;

namespace Tollgate.Runtime.Hosting;

/// <summary>Whether this process can serve grain calls: the runtime started and the database answers.</summary>
public sealed class SiloReadiness(GrainRuntime runtime, IGrainStorage storage, PostgresDatabase database, IServiceProvider services) : IReadinessCheck
{
    private readonly MembershipService? _membership = services.GetService<MembershipService>();

    public async Task<SiloReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        var databaseReachable = storage is not PostgresGrainStorage || await database.IsReachableAsync(cancellationToken);
        var joined = _membership is null || _membership.Snapshot.Find(_membership.Self!)?.Status == SiloStatus.Active;
        return new SiloReadinessReport(runtime.IsStarted && joined, databaseReachable);
    }
}
