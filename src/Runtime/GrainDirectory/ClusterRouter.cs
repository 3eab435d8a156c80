using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Runtime.Membership;

namespace Tollgate.Runtime.GrainDirectory;

/// <summary>
/// Sends each call to the silo holding the grain's activation: a cached location (a hint, dropped when wrong),
/// else the directory, else placement. A call is executed only by the silo that holds, or just won, the
/// registration; anywhere else it is forwarded, at most <see cref="MaxHops"/> times.
/// </summary>
public sealed class ClusterRouter
{
    public const int MaxHops = 3;
    private const int RouteAttempts = 30;
    private static readonly TimeSpan RouteRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly GrainRuntime _runtime;
    private readonly MembershipService _membership;
    private readonly PostgresGrainDirectory _directory;
    private readonly SiloPeers _peers;
    private readonly PlacementStrategy _placement;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<GrainId, SiloAddress> _hints = new();
    private readonly ConcurrentDictionary<SiloAddress, bool> _purged = new();
    private readonly ConcurrentDictionary<GrainId, Task<SiloAddress>> _lookups = new();

    public ClusterRouter(GrainRuntime runtime, MembershipService membership, PostgresGrainDirectory directory, SiloPeers peers,
        IOptions<ClusterOptions> options, ILogger<ClusterRouter> logger)
    {
        _runtime = runtime;
        _membership = membership;
        _directory = directory;
        _peers = peers;
        _placement = options.Value.Placement;
        _logger = logger;
        membership.Changed += OnMembershipChanged;
        runtime.Router = this;
    }

    private SiloAddress Self => _membership.Self ?? throw new InvalidOperationException("The silo has not joined the cluster.");

    internal async Task<TResult> RouteAsync<TResult>(GrainId target, GrainRequest<TResult> request)
    {
        for (var attempt = 1; ; attempt++)
        {
            var owner = await LocateAsync(target);
            if (owner == Self)
            {
                return await _runtime.InvokeLocalAsync(target, request);
            }

            if (request.Hops >= MaxHops)
            {
                throw new GrainMovedException(target);
            }

            try
            {
                request.Hops++;
                return await _peers.Client(owner).InvokeAsync(target, request);
            }
            catch (Transport.SiloUnavailableException exception) when (exception.IsRetriable && attempt < RouteAttempts)
            {
                // Nothing was sent. The silo may be dead but not yet declared so: wait a little, look again.
                request.Hops--;
                _hints.TryRemove(target, out _);
                await Task.Delay(RouteRetryDelay);
                await _membership.RefreshAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Registers a new activation before its state is read. Null when it won; else the silo of the winner,
    /// to which the activation's queued calls go.
    /// </summary>
    internal async Task<SiloAddress?> RegisterAsync(GrainId grainId, long activationId, CancellationToken cancellationToken)
    {
        var mine = new DirectoryEntry(grainId, Self, activationId);
        while (true)
        {
            var winner = await _directory.RegisterAsync(mine, cancellationToken);
            if (winner == mine)
            {
                _hints.TryRemove(grainId, out _);
                return null;
            }

            if (await IsUsableAsync(winner.Silo))
            {
                _hints[grainId] = winner.Silo;
                return winner.Silo;
            }

            // An entry left by a dead silo never wins.
            await _directory.UnregisterAsync(winner, cancellationToken);
        }
    }

    internal Task UnregisterAsync(GrainId grainId, long activationId) =>
        _directory.UnregisterAsync(new DirectoryEntry(grainId, Self, activationId), CancellationToken.None);

    /// <summary>Completes a call queued on an activation that lost its registration by sending it to the winner.</summary>
    internal Task<TResult> ForwardAsync<TResult>(SiloAddress silo, GrainId target, GrainRequest<TResult> request)
    {
        request.Hops++;
        return request.Hops > MaxHops
            ? Task.FromException<TResult>(new GrainMovedException(target))
            : _peers.Client(silo).InvokeAsync(target, request);
    }

    private ValueTask<SiloAddress> LocateAsync(GrainId target)
    {
        if (_hints.TryGetValue(target, out var hinted) && _membership.Snapshot.Find(hinted)?.Status == SiloStatus.Active)
        {
            return ValueTask.FromResult(hinted);
        }

        // Concurrent first calls to one grain share one directory lookup.
        var lookup = _lookups.GetOrAdd(target, LookupAsync);
        if (lookup.IsCompleted)
        {
            _lookups.TryRemove(new KeyValuePair<GrainId, Task<SiloAddress>>(target, lookup));
        }
        else
        {
            _ = lookup.ContinueWith(
                (done, state) => ((ConcurrentDictionary<GrainId, Task<SiloAddress>>)state!).TryRemove(new KeyValuePair<GrainId, Task<SiloAddress>>(target, done)),
                _lookups, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return new ValueTask<SiloAddress>(lookup);
    }

    private async Task<SiloAddress> LookupAsync(GrainId target)
    {
        if (await _directory.LookupAsync(target, CancellationToken.None) is { } entry)
        {
            if (await IsUsableAsync(entry.Silo))
            {
                _hints[target] = entry.Silo;
                return entry.Silo;
            }

            await _directory.UnregisterAsync(entry, CancellationToken.None);
        }

        return Place(target, _membership.Snapshot);
    }

    private SiloAddress Place(GrainId target, MembershipSnapshot snapshot)
    {
        var active = snapshot.ActiveSilos;
        if (_placement == PlacementStrategy.PreferLocal || active.Count == 0)
        {
            return Self;
        }

        return HashPlacement.Pick(target, active);
    }

    /// <summary>True unless the silo is dead or unknown after a fresh read of the table.</summary>
    private async ValueTask<bool> IsUsableAsync(SiloAddress silo)
    {
        var status = _membership.Snapshot.Find(silo)?.Status;
        if (status is null)
        {
            status = (await _membership.RefreshAsync(CancellationToken.None)).Find(silo)?.Status;
        }

        return status is SiloStatus.Active or SiloStatus.ShuttingDown or SiloStatus.Joining;
    }

    private void OnMembershipChanged(MembershipSnapshot snapshot)
    {
        foreach (var dead in snapshot.Members.Where(m => m.Status == SiloStatus.Dead).Select(m => m.Silo))
        {
            if (_purged.TryAdd(dead, true))
            {
                _ = PurgeAsync(dead);
            }
        }
    }

    private async Task PurgeAsync(SiloAddress dead)
    {
        foreach (var (grainId, silo) in _hints)
        {
            if (silo == dead)
            {
                _hints.TryRemove(grainId, out _);
            }
        }

        try
        {
            var purged = await _directory.PurgeSiloAsync(dead, CancellationToken.None);
            _logger.LogInformation("Purged {Count} directory entries of dead silo {Silo}", purged, dead);
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or InvalidOperationException)
        {
            _purged.TryRemove(dead, out _);
            _logger.LogWarning(exception, "Purging the directory entries of {Silo} failed; will retry on the next change", dead);
        }
    }
}
