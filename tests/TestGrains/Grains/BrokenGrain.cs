namespace Tollgate.Runtime.Tests.Grains;

public sealed class BrokenGrain(ActivationLog log) : Grain, IBrokenGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        log.Activated(GrainKey);
        throw new InvalidOperationException("broken on purpose");
    }

    public Task<int> CallAsync() => Task.FromResult(1);
}
