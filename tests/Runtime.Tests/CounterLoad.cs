using Tollgate.Runtime.Tests.Grains;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.Runtime.Tests;

/// <summary>
/// Concurrent increments of counter grains that remember each call's outcome, and the audit against the
/// database: every acknowledged increment is stored, and nothing beyond what may have run is.
/// </summary>
public sealed class CounterLoad(IGrainFactory grains, int keys)
{
    private readonly List<string> _keys = Enumerable.Range(0, keys).Select(_ => Guid.NewGuid().ToString("N")).ToList();
    private readonly Dictionary<string, long> _acknowledged = [];
    private readonly Dictionary<string, long> _unknown = [];
    private int _failed;

    public IReadOnlyList<string> Keys => _keys;

    public long Acknowledged => Sum(_acknowledged);

    /// <summary>Calls whose outcome is unknown (they may have run).</summary>
    public long Unknown => Sum(_unknown);

    /// <summary>Calls that did not run even after the client's retries.</summary>
    public int Failed => Volatile.Read(ref _failed);

    public async Task RunAsync(int callers, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource(duration);
        await Task.WhenAll(Enumerable.Range(0, callers).Select(i => Task.Run(async () =>
        {
            var random = new Random(i);
            while (!stop.IsCancellationRequested)
            {
                var key = _keys[random.Next(_keys.Count)];
                try
                {
                    await grains.GetGrain<ICounterGrain>(key).AddAsync(1);
                    Count(_acknowledged, key);
                }
                catch (GrainException exception) when (!exception.IsRetriable)
                {
                    Count(_unknown, key);
                }
                catch (GrainException)
                {
                    Interlocked.Increment(ref _failed);
                }
            }
        })));
    }

    /// <summary>Each stored count lies between what was acknowledged and that plus the unknown outcomes.</summary>
    public async Task AuditAsync(PostgresFixture postgres, bool exact = false)
    {
        foreach (var key in _keys)
        {
            var stored = await postgres.ScalarAsync<long>("SELECT value FROM test_counters WHERE id = $1", key);
            var acknowledged = _acknowledged.GetValueOrDefault(key);
            Assert.InRange(stored, acknowledged, acknowledged + (exact ? 0 : _unknown.GetValueOrDefault(key)));
            Assert.True(await postgres.ScalarAsync<long>("SELECT count(*) FROM grain_directory WHERE grain_key = $1", key) <= 1);
        }
    }

    public override string ToString() => $"{Acknowledged} acknowledged, {Unknown} unknown, {Failed} failed";

    private void Count(Dictionary<string, long> counts, string key)
    {
        lock (counts)
        {
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
    }

    private long Sum(Dictionary<string, long> counts)
    {
        lock (counts)
        {
            return counts.Values.Sum();
        }
    }
}
