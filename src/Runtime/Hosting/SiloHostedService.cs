using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tollgate.Runtime.Membership;
using Tollgate.Runtime.Postgres;

namespace Tollgate.Runtime.Hosting;

/// <summary>
/// Starts the database (when state lives in PostgreSQL), the runtime and, in cluster mode, membership; stops
/// them in reverse: ShuttingDown, drain the activations, Dead, close the database.
/// </summary>
internal sealed class SiloHostedService(GrainRuntime runtime, IGrainStorage storage, PostgresDatabase database, IServiceProvider services) : IHostedLifecycleService
{
    private readonly MembershipService? _membership = services.GetService<MembershipService>();

    private bool UsesDatabase => storage is PostgresGrainStorage || _membership is not null;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (UsesDatabase)
        {
            await database.StartAsync(cancellationToken);
        }

        runtime.Start();
        if (_membership is not null)
        {
            _ = services.GetRequiredService<GrainDirectory.ClusterRouter>(); // attaches itself to the runtime
            var endpoint = services.GetRequiredService<IOptions<SiloEndpointOptions>>().Value;
            await _membership.JoinAsync(new SiloAddress(endpoint.Address, endpoint.Port, DateTime.UtcNow.Ticks), cancellationToken);
        }
    }

    /// <summary>Before anything stops (the transport drains first): ShuttingDown, so callers route elsewhere.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken) =>
        _membership?.BeginLeaveAsync(cancellationToken) ?? Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await runtime.StopAsync(cancellationToken);
        if (_membership is not null)
        {
            await _membership.LeaveAsync(cancellationToken);
            await services.GetRequiredService<SiloPeers>().DisposeAsync();
        }

        await database.DisposeAsync();
    }
}
