using BenchmarkDotNet.Attributes;
using Tollgate.Runtime.Benchmarks.Grains;

namespace Tollgate.Runtime.Benchmarks;

/// <summary>
/// The cost of activating a fresh grain (the first call on a new key), without and with a persistent state, per
/// activation. Each iteration gets a new silo, so activations never pile up. Not sealed: BenchmarkDotNet derives from it.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 10, iterationCount: 30)]
public class ActivationBenchmarks
{
    public const int Batch = 50_000;

    private string[] _keys = null!;
    private BenchSilo? _silo;

    [GlobalSetup]
    public void Setup() => _keys = Keys.Make("act", Batch);

    [IterationSetup(Target = nameof(CallOnActiveGrain))]
    public void StartWithActiveGrains()
    {
        StartSilo();
        _silo!.CallEachAsync<IBenchGrain>(_keys, g => g.PingAsync(0)).GetAwaiter().GetResult();
    }

    [IterationSetup(Targets = [nameof(FirstCallNoState), nameof(FirstCallWithState), nameof(FirstCallNoStateOneAtATime)])]
    public void StartSilo() => _silo = BenchSilo.StartAsync().GetAwaiter().GetResult();

    [IterationCleanup]
    public void StopSilo() => _silo?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>A batch of calls, one per already-active grain, issued together: the same calls minus activation.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public Task CallOnActiveGrain() => _silo!.CallEachAsync<IBenchGrain>(_keys, g => g.PingAsync(1));

    /// <summary>A batch of first calls on new keys of a grain without state, issued together.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public Task FirstCallNoState() => _silo!.CallEachAsync<IBenchGrain>(_keys, g => g.PingAsync(1));

    /// <summary>A batch of first calls on new keys of a grain whose (empty, in-memory) state is read on activation.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public Task FirstCallWithState() => _silo!.CallEachAsync<IStatefulBenchGrain>(_keys, g => g.PingAsync(1));

    /// <summary>First calls on new keys awaited one after another: the latency a caller sees, thread-pool hops included.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task FirstCallNoStateOneAtATime()
    {
        foreach (var key in _keys)
        {
            await _silo!.Grains.GetGrain<IBenchGrain>(key).PingAsync(1);
        }
    }
}
