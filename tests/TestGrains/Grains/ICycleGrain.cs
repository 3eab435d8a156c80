namespace Tollgate.Runtime.Tests.Grains;

/// <summary>Calls another cycle grain, which calls back: A → B → A → …</summary>
public interface ICycleGrain : IGrainWithStringKey
{
    Task<int> PingAsync(string peerKey, int depth);
}
