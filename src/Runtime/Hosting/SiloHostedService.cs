using Microsoft.Extensions.Hosting;
using Tollgate.Runtime.Postgres;

namespace Tollgate.Runtime.Hosting;

/// <summary>Starts the database (when state lives in PostgreSQL) and the runtime; stops them in reverse.</summary>
internal sealed class SiloHostedService(GrainRuntime runtime, IGrainStorage storage, PostgresDatabase database) : IHostedService
{
    private bool UsesDatabase => storage is PostgresGrainStorage;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (UsesDatabase)
        {
            await database.StartAsync(cancellationToken);
        }

        runtime.Start();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await runtime.StopAsync(cancellationToken);
        await database.DisposeAsync();
    }
}
