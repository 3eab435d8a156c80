using Microsoft.Extensions.Hosting;
using Tollgate.Runtime.Postgres;

namespace Tollgate.Runtime.Client;

/// <summary>Opens the database (for membership) and starts following the cluster; stops in reverse.</summary>
internal sealed class ClusterClientHostedService(ClusterClient client, PostgresDatabase database) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await database.StartAsync(cancellationToken);
        await client.StartAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await client.DisposeAsync();
        await database.DisposeAsync();
    }
}
