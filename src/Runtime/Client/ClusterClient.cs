using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Runtime.GrainDirectory;
using Tollgate.Runtime.Membership;

namespace Tollgate.Runtime.Client;

/// <summary>
/// A process that calls grains but hosts none (the API host in cluster mode). It follows membership in
/// PostgreSQL and sends each call to the silo the grain hashes to, which runs it or forwards it to the
/// activation. It retries a call only when the failure says the call did not run.
/// </summary>
public sealed class ClusterClient : IGrainFactory, IGrainCallInvoker, IAsyncDisposable
{
    private const int Attempts = 10;
    private readonly PostgresMembershipTable _table;
    private readonly SiloPeers _peers;
    private readonly ClusterOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private MembershipSnapshot _snapshot = MembershipSnapshot.Empty;
    private Task? _refreshing;

    public ClusterClient(PostgresMembershipTable table, SiloPeers peers, IOptions<ClusterOptions> options, ILogger<ClusterClient> logger)
    {
        _table = table;
        _peers = peers;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The active silos this client knows of.</summary>
    public IReadOnlyList<SiloAddress> ActiveSilos => Snapshot.ActiveSilos;

    /// <summary>The membership table as this client last read it.</summary>
    public MembershipSnapshot Snapshot => Volatile.Read(ref _snapshot);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        _refreshing = RefreshLoopAsync();
    }

    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey => GrainInterfaceRegistry.CreateReference<TGrain>(key, this);

    public async Task<TResult> InvokeAsync<TResult>(GrainReference target, GrainRequest<TResult> request)
    {
        for (var attempt = 1; ; attempt++)
        {
            var silos = ActiveSilos;
            if (silos.Count == 0)
            {
                await RefreshAsync(CancellationToken.None);
                silos = ActiveSilos;
            }

            try
            {
                if (silos.Count == 0)
                {
                    throw new Transport.SiloUnavailableException("(none active)", sent: false);
                }

                request.Hops = 0;
                return await _peers.Client(HashPlacement.Pick(target.GrainId, silos)).InvokeAsync(target.GrainId, request);
            }
            catch (GrainException exception) when (exception.IsRetriable && attempt < Attempts)
            {
                // It did not run: the silo was stopping, unreachable, or the grain was moving. Look again.
                _logger.LogDebug("Retrying {Method} on {Grain} after: {Error}", request.MethodName, target.GrainId, exception.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50 * attempt, 500)));
                await RefreshAsync(CancellationToken.None);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_refreshing is not null)
        {
            await _refreshing;
        }

        await _peers.DisposeAsync();
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var read = await _table.ReadAsync(cancellationToken);
        var current = Volatile.Read(ref _snapshot);
        if (read.Version > current.Version)
        {
            Interlocked.CompareExchange(ref _snapshot, read, current);
        }
    }

    private async Task RefreshLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.RefreshPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                try
                {
                    await RefreshAsync(_stopping.Token);
                }
                catch (Npgsql.NpgsqlException exception)
                {
                    _logger.LogWarning(exception, "Reading cluster membership failed; keeping the last view");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
