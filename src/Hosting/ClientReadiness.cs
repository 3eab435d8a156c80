using Microsoft.Extensions.Hosting;
using Orleans;
using Tollgate.Postgres;

namespace Tollgate.Hosting;

/// <summary>
/// A cluster client is ready once it has connected to a gateway (the host finishes starting only then) and while it
/// has gateways left; and while the database answers.
/// </summary>
internal sealed class ClientReadiness(IHostApplicationLifetime lifetime, PostgresDatabase database) : IReadinessCheck, IClusterConnectionStatusObserver
{
    private volatile bool _lost;

    public async Task<SiloReadinessReport> CheckAsync(CancellationToken cancellationToken) => new(
        lifetime.ApplicationStarted.IsCancellationRequested && !_lost,
        await database.IsReachableAsync(cancellationToken));

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered) =>
        _lost = currentNumberOfGateways == 0;

    public void NotifyClusterConnectionLost() => _lost = true;
}
