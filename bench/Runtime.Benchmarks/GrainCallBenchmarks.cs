using BenchmarkDotNet.Attributes;
using Tollgate.Runtime.Benchmarks.Grains;

namespace Tollgate.Runtime.Benchmarks;

/// <summary>
/// The cost of a grain call through its generated proxy on an active grain, alone and under 64 concurrent
/// callers, against the same method called directly on a plain object. Not sealed: BenchmarkDotNet derives from it.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class GrainCallBenchmarks
{
    public const int Callers = 64;
    public const int CallsPerCaller = 1_000;
    public const int GrainCount = 1_000;

    private readonly IBenchGrain _plain = new PlainBench();
    private BenchSilo _silo = null!;
    private IBenchGrain _grain = null!;
    private IBenchGrain[] _grains = null!;
    private IBenchGrain[] _plains = null!;
    private int[][] _picks = null!;

    [GlobalSetup]
    public void Setup()
    {
        _silo = BenchSilo.StartAsync().GetAwaiter().GetResult();
        var keys = Keys.Make("call", GrainCount);
        _silo.CallEachAsync<IBenchGrain>(keys, g => g.PingAsync(0)).GetAwaiter().GetResult();
        _grains = Array.ConvertAll(keys, _silo.Grains.GetGrain<IBenchGrain>);
        _grain = _grains[0];
        _plains = Array.ConvertAll(keys, _ => (IBenchGrain)new PlainBench());
        _picks = Keys.Picks(Callers, CallsPerCaller, GrainCount);
    }

    [GlobalCleanup]
    public void Cleanup() => _silo.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The cost floor: the method on a plain object, no runtime.</summary>
    [Benchmark(Baseline = true)]
    public Task<int> DirectCallOnPlainObject() => _plain.PingAsync(1);

    /// <summary>One caller awaiting one call on an already-active grain through its proxy.</summary>
    [Benchmark]
    public Task<int> UncontendedCall() => _grain.PingAsync(1);

    /// <summary>64 concurrent callers, each making its calls on pseudo-randomly picked active grains; per call.</summary>
    [Benchmark(OperationsPerInvoke = Callers * CallsPerCaller)]
    public Task Concurrent64CallersOn1000Grains() => RunCallersAsync(_grains);

    /// <summary>The same 64-caller harness on plain objects: what the harness itself costs per call.</summary>
    [Benchmark(OperationsPerInvoke = Callers * CallsPerCaller)]
    public Task Concurrent64CallersOn1000PlainObjects() => RunCallersAsync(_plains);

    private Task RunCallersAsync(IBenchGrain[] targets)
    {
        var callers = new Task[Callers];
        for (var c = 0; c < Callers; c++)
        {
            var picks = _picks[c];
            callers[c] = Task.Run(() => CallAsync(targets, picks));
        }

        return Task.WhenAll(callers);
    }

    private static async Task CallAsync(IBenchGrain[] targets, int[] picks)
    {
        foreach (var pick in picks)
        {
            await targets[pick].PingAsync(1);
        }
    }
}
