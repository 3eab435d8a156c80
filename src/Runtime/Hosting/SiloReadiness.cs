using Tollgate.Runtime.Postgres;

namespace Tollgate.Runtime.Hosting;

/// <summary>Whether this process can serve grain calls: the runtime started and the database answers.</summary>
public sealed class SiloReadiness(GrainRuntime runtime, IGrainStorage storage, PostgresDatabase database)
{
    public async Task<SiloReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        var databaseReachable = storage is not PostgresGrainStorage || await database.IsReachableAsync(cancellationToken);
        return new SiloReadinessReport(runtime.IsStarted, databaseReachable);
    }
}
