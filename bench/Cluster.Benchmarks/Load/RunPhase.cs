namespace Tollgate.Cluster.Benchmarks.Load;

/// <summary>Which part of a run it is; read after every call, so a sample is kept only if it ends while measuring.</summary>
internal sealed class RunPhase
{
    public const int WarmingUp = 0;
    public const int Measuring = 1;
    public const int Stopped = 2;

    private int _value;

    public int Value
    {
        get => Volatile.Read(ref _value);
        set => Volatile.Write(ref _value, value);
    }
}
