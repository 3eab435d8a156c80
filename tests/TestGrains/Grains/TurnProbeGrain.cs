namespace Tollgate.Runtime.Tests.Grains;

public sealed class TurnProbeGrain(ActivationLog log) : Grain, ITurnProbeGrain
{
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        log.Deactivated(GrainKey, reason);
        return Task.CompletedTask;
    }

    private int _inside;
    private int _maxConcurrent;
    private int _calls;

    public async Task<int> EnterAsync(int yields)
    {
        var inside = Interlocked.Increment(ref _inside);
        _maxConcurrent = Math.Max(_maxConcurrent, inside);
        for (var i = 0; i < yields; i++)
        {
            // Real suspensions: a non-reentrant grain must not start another call while this one awaits.
            await Task.Delay(1);
            _maxConcurrent = Math.Max(_maxConcurrent, Volatile.Read(ref _inside));
        }

        _calls++;
        Interlocked.Decrement(ref _inside);
        return _calls;
    }

    public Task<(int Calls, int MaxConcurrent)> StatsAsync() => Task.FromResult((_calls, _maxConcurrent));

    public Task SleepAsync(int milliseconds) => Task.Delay(milliseconds);

    public Task BlockAsync(int milliseconds)
    {
        Thread.Sleep(milliseconds);
        return Task.CompletedTask;
    }
}
