namespace Tollgate.Runtime.Tests.Grains;

/// <summary>Measures how many of its turns overlap.</summary>
public interface ITurnProbeGrain : IGrainWithStringKey
{
    Task<int> EnterAsync(int yields);

    Task<(int Calls, int MaxConcurrent)> StatsAsync();

    Task SleepAsync(int milliseconds);

    /// <summary>Blocks its thread (no await) for the time given: a CPU-bound grain method.</summary>
    Task BlockAsync(int milliseconds);
}
