using Tollgate.Runtime.Hosting;
using Tollgate.Runtime.Postgres;

namespace Tollgate.Runtime.Client;

/// <summary>A cluster client is ready when it reaches the database and knows an active silo.</summary>
internal sealed class ClusterClientReadiness(ClusterClient client, PostgresDatabase database) : IReadinessCheck
{
    public async Task<SiloReadinessReport> CheckAsync(CancellationToken cancellationToken) =>
        new(client.ActiveSilos.Count > 0, await database.IsReachableAsync(cancellationToken));
}
