namespace Tollgate.Runtime.Tests.Grains;

public sealed class CycleGrain : Grain, ICycleGrain
{
    private int _pings;

    public async Task<int> PingAsync(string peerKey, int depth)
    {
        _pings++;
        if (depth == 0)
        {
            return _pings;
        }

        await Task.Yield();
        return await GrainFactory.GetGrain<ICycleGrain>(peerKey).PingAsync(GrainKey, depth - 1);
    }
}
