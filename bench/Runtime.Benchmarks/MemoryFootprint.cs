using Tollgate.Runtime.Benchmarks.Grains;

namespace Tollgate.Runtime.Benchmarks;

/// <summary>
/// The <c>memory</c> mode: the heap an idle activation keeps, measured as the difference of the live heap after
/// full blocking collections, before and after activating <see cref="Count"/> grains in a fresh silo.
/// </summary>
internal static class MemoryFootprint
{
    public const int Count = 100_000;
    private const int Chunk = 1_000;

    public static async Task RunAsync()
    {
        var noState = await MeasureActivationsAsync<IBenchGrain>("idle", g => g.PingAsync(0));
        var withState = await MeasureActivationsAsync<IStatefulBenchGrain>("stateful", g => g.PingAsync(0));
        var stateSize = BytesPerObject(_ => BenchState.Table.CreateInitial());
        var keySize = BytesPerObject(i => $"stateful-{i}");

        Console.WriteLine(
            $"Idle activations per silo: {Count:N0}; .NET {Environment.Version}; {Environment.ProcessorCount} cores; " +
            $"server GC: {System.Runtime.GCSettings.IsServerGC}");
        Console.WriteLine();
        Console.WriteLine("| Measure | Bytes per activation |");
        Console.WriteLine("|---|---:|");
        Console.WriteLine($"| Idle activation, no state | {noState:N1} |");
        Console.WriteLine($"| Idle activation, tiny state (total) | {withState:N1} |");
        Console.WriteLine($"| Tiny state object itself (`BenchState`) | {stateSize:N1} |");
        Console.WriteLine($"| Idle activation, tiny state, beyond its state | {withState - stateSize:N1} |");
        Console.WriteLine($"| Grain key string (caller-allocated before the measurement, not in the rows above) | {keySize:N1} |");
    }

    /// <summary>Bytes per activation of <typeparamref name="TGrain"/>; the keys exist before the first snapshot.</summary>
    private static async Task<double> MeasureActivationsAsync<TGrain>(string prefix, Func<TGrain, Task<int>> call)
        where TGrain : IGrainWithStringKey
    {
        await using var silo = await BenchSilo.StartAsync();
        await silo.CallEachAsync(Keys.Make("warm-" + prefix, Chunk), call);
        var keys = Keys.Make(prefix, Count);
        var before = LiveBytes();
        for (var start = 0; start < Count; start += Chunk)
        {
            await silo.CallEachAsync(new ArraySegment<string>(keys, start, Chunk), call);
        }

        // Let the last turns hand back their activations before the snapshot.
        await Task.Delay(500);
        var after = LiveBytes();
        if (silo.Runtime.ActivationCount != Count + Chunk)
        {
            throw new InvalidOperationException($"Expected {Count + Chunk} activations, found {silo.Runtime.ActivationCount}.");
        }

        GC.KeepAlive(keys);
        return (after - before) / (double)Count;
    }

    /// <summary>Bytes per object made by <paramref name="make"/>, kept in a holder allocated before the first snapshot.</summary>
    private static double BytesPerObject(Func<int, object> make)
    {
        var keep = new object?[Count];
        var before = LiveBytes();
        for (var i = 0; i < Count; i++)
        {
            keep[i] = make(i);
        }

        var after = LiveBytes();
        GC.KeepAlive(keep);
        return (after - before) / (double)Count;
    }

    private static long LiveBytes()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
