using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tollgate.Runtime.Membership;

/// <summary>
/// This silo's view of, and part in, cluster membership: it joins (retiring older generations of its
/// endpoint, Joining, connectivity check, Active), writes heartbeats, re-reads the table, probes the peers that
/// follow it on the ring and votes a silent one dead, and stops itself when it reads that it is dead.
/// </summary>
public sealed class MembershipService(
    PostgresMembershipTable table,
    IOptions<ClusterOptions> options,
    SiloPeers peers,
    IHostApplicationLifetime lifetime,
    ILogger<MembershipService> logger) : IAsyncDisposable
{
    private readonly ClusterOptions _options = options.Value;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<SiloAddress, int> _missedProbes = [];
    private readonly object _applyLock = new();
    private readonly List<Task> _loops = [];
    private MembershipSnapshot _snapshot = MembershipSnapshot.Empty;
    private bool _leaving;
    private bool _abandoned;

    public SiloAddress? Self { get; private set; }

    public string ClusterId => _options.ClusterId;

    public MembershipSnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>Raised after a newer snapshot was applied.</summary>
    public event Action<MembershipSnapshot>? Changed;

    public async Task JoinAsync(SiloAddress self, CancellationToken cancellationToken)
    {
        Self = self;
        await table.EnsureClusterAsync(cancellationToken);
        foreach (var old in (await RefreshAsync(cancellationToken)).Members.Where(m => m.Silo.SameEndpoint(self) && m.Silo.Generation < self.Generation && m.Status != SiloStatus.Dead))
        {
            logger.LogInformation("Retiring {Old}: a newer generation starts at its endpoint", old.Silo);
            await UpdateAsync(s => s.Find(old.Silo) is { Status: not SiloStatus.Dead } e ? e with { Status = SiloStatus.Dead } : null, cancellationToken);
        }

        var now = DateTime.UtcNow;
        await UpdateAsync(_ => new MembershipEntry(self, SiloStatus.Joining, [], now, now), cancellationToken);
        await CheckConnectivityAsync(cancellationToken);
        await UpdateAsync(s => s.Find(self) is { Status: SiloStatus.Joining } e ? e with { Status = SiloStatus.Active, IAmAlive = DateTime.UtcNow } : null, cancellationToken);
        logger.LogInformation("Silo {Self} is active in cluster {Cluster}", self, _options.ClusterId);

        _loops.Add(RunEveryAsync(_options.IAmAlivePeriod, HeartbeatAsync));
        _loops.Add(RunEveryAsync(_options.RefreshPeriod, async ct => await RefreshAsync(ct)));
        _loops.Add(RunEveryAsync(_options.ProbePeriod, ProbeAsync));
    }

    /// <summary>Graceful stop, first step: the others stop placing grains here.</summary>
    public Task BeginLeaveAsync(CancellationToken cancellationToken)
    {
        _leaving = true;
        return Self is null || _abandoned ? Task.CompletedTask : UpdateAsync(
            s => s.Find(Self) is { Status: SiloStatus.Active or SiloStatus.Joining } e ? e with { Status = SiloStatus.ShuttingDown } : null, cancellationToken);
    }

    /// <summary>Graceful stop, last step: this generation is over.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        _leaving = true;
        await StopLoopsAsync();
        if (Self is not null && !_abandoned)
        {
            await UpdateAsync(s => s.Find(Self) is { Status: not SiloStatus.Dead } e ? e with { Status = SiloStatus.Dead } : null, cancellationToken);
        }
    }

    /// <summary>Stops every loop without writing anything, as a crashed process would.</summary>
    public Task AbandonAsync()
    {
        _abandoned = _leaving = true;
        return StopLoopsAsync();
    }

    public async ValueTask DisposeAsync() => await StopLoopsAsync();

    /// <summary>Reads the table and applies it if it is newer than what this silo holds.</summary>
    public async Task<MembershipSnapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        var read = await table.ReadAsync(cancellationToken);
        Apply(read);
        return Snapshot;
    }

    private void Apply(MembershipSnapshot read)
    {
        lock (_applyLock)
        {
            if (read.Version <= _snapshot.Version)
            {
                return;
            }

            Volatile.Write(ref _snapshot, read);
        }

        if (Self is not null && read.Find(Self) is { Status: SiloStatus.Dead } && !_leaving)
        {
            // The others voted this silo dead; its activations may already live elsewhere. Serve nothing more.
            logger.LogCritical("Silo {Self} was declared dead by the cluster; stopping", Self);
            _leaving = true;
            _stopping.Cancel();
            lifetime.StopApplication();
        }

        Changed?.Invoke(read);
    }

    /// <summary>Re-reads and retries until <paramref name="change"/> is written or has nothing to change.</summary>
    private async Task UpdateAsync(Func<MembershipSnapshot, MembershipEntry?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var snapshot = await table.ReadAsync(cancellationToken);
            Apply(snapshot);
            if (change(snapshot) is not { } entry)
            {
                return;
            }

            if (await table.TryWriteAsync(entry, snapshot.Version, cancellationToken))
            {
                await RefreshAsync(cancellationToken);
                return;
            }

            // Another silo wrote first; back off a little so a crowd of writers spreads out.
            await Task.Delay(Random.Shared.Next(5, 20 + Math.Min(attempt, 10) * 20), cancellationToken);
        }
    }

    private async Task CheckConnectivityAsync(CancellationToken cancellationToken)
    {
        // A peer killed moments ago still looks alive until the others declare it dead: give them time to.
        var deadline = DateTime.UtcNow + (_options.ProbePeriod * (_options.MissedProbesLimit + 2)) + (_options.RefreshPeriod * 2);
        while (true)
        {
            var snapshot = await RefreshAsync(cancellationToken);
            var unreachable = new List<SiloAddress>();
            // Only live members count: a silo whose heartbeat stopped (say the last active one was killed, leaving
            // nobody to vote it dead) must not keep every newcomer out. Once active, this silo's probes vote it dead.
            var staleBefore = DateTime.UtcNow - (_options.IAmAlivePeriod * 3);
            var live = snapshot.Members.Where(m => m.Status == SiloStatus.Active && m.Silo != Self && m.IAmAlive > staleBefore).Select(m => m.Silo);
            foreach (var peer in live)
            {
                if (!await peers.PingAsync(Self!, peer, _options.ProbeTimeout))
                {
                    unreachable.Add(peer);
                }
            }

            if (unreachable.Count == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException(
                    $"Silo {Self} cannot reach the active silos {string.Join(", ", unreachable)}; joining would split the cluster.");
            }

            await Task.Delay(_options.ProbePeriod, cancellationToken);
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        await table.HeartbeatAsync(Self!, cancellationToken);

        // Now and then, and by one silo at a time in expectation, clear out long-dead rows.
        if (Random.Shared.Next(Math.Max(1, Snapshot.ActiveSilos.Count) * 20) == 0)
        {
            var deleted = await table.DeleteDefunctAsync(_options.DefunctAge, cancellationToken);
            if (deleted > 0)
            {
                logger.LogInformation("Deleted {Count} membership rows dead for over {Age}", deleted, _options.DefunctAge);
            }
        }
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var snapshot = Snapshot;
        if (_leaving || snapshot.Find(Self!)?.Status != SiloStatus.Active)
        {
            return; // a silo that is leaving or not yet active never votes
        }

        foreach (var peer in RingSuccessors(snapshot))
        {
            var answered = await peers.PingAsync(Self!, peer, _options.ProbeTimeout);
            var missed = answered ? 0 : _missedProbes.GetValueOrDefault(peer) + 1;
            _missedProbes[peer] = missed;
            if (missed >= _options.MissedProbesLimit)
            {
                logger.LogWarning("Silo {Peer} missed {Missed} probes from {Self}; voting it dead", peer, missed, Self);
                await VoteDeadAsync(peer, cancellationToken);
            }
        }

        foreach (var gone in _missedProbes.Keys.Where(k => !snapshot.ActiveSilos.Contains(k)).ToList())
        {
            _missedProbes.Remove(gone);
        }
    }

    private IEnumerable<SiloAddress> RingSuccessors(MembershipSnapshot snapshot)
    {
        var ring = snapshot.ActiveSilos.Append(Self!).Distinct().OrderBy(s => s.ToString(), StringComparer.Ordinal).ToList();
        var me = ring.IndexOf(Self!);
        return Enumerable.Range(1, Math.Min(_options.ProbedPeers, ring.Count - 1)).Select(i => ring[(me + i) % ring.Count]);
    }

    private Task VoteDeadAsync(SiloAddress victim, CancellationToken cancellationToken) => UpdateAsync(snapshot =>
    {
        if (snapshot.Find(victim) is not { Status: not SiloStatus.Dead } entry || victim == Self || _leaving)
        {
            return null;
        }

        var now = DateTime.UtcNow;
        var me = Self!.ToString();
        var votes = entry.Suspicions.Where(v => now - v.At < _options.VoteExpiry && v.By != me).Append(new Suspicion(me, now)).ToList();
        var voters = snapshot.Members.Count(m => m.Status == SiloStatus.Active && m.Silo != victim);
        var needed = Math.Min(_options.VotesForDeath, Math.Max(1, voters));
        if (votes.Count >= needed)
        {
            logger.LogWarning("Declaring silo {Victim} dead ({Votes} of {Needed} votes)", victim, votes.Count, needed);
        }

        return entry with { Suspicions = votes, Status = votes.Count >= needed ? SiloStatus.Dead : entry.Status };
    }, cancellationToken);

    private async Task RunEveryAsync(TimeSpan period, Func<CancellationToken, Task> work)
    {
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                try
                {
                    await work(_stopping.Token);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // A database blip must not end the loop; the next tick tries again.
                    logger.LogWarning(exception, "Membership work failed on {Self}", Self);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task StopLoopsAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_loops);
    }
}
