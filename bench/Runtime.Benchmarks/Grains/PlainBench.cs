namespace Tollgate.Runtime.Benchmarks.Grains;

/// <summary>
/// The same <see cref="IBenchGrain.PingAsync"/> body on a plain object, called directly with no runtime in
/// between: the cost floor every grain call is compared with. Not a <see cref="Grain"/>, so never hosted.
/// </summary>
public sealed class PlainBench : IBenchGrain
{
    private int _total;

    public Task<int> PingAsync(int x) => Task.FromResult(_total += x);
}
