namespace Tollgate.Runtime;

/// <summary>Gives typed references to grains. A reference is cheap; the grain activates on its first call.</summary>
public interface IGrainFactory
{
    /// <summary>A reference to the grain of interface <typeparamref name="TGrain"/> with key <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">The key is empty or longer than <see cref="GrainId.MaxKeyLength"/>.</exception>
    TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey;
}
