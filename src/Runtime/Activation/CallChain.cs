namespace Tollgate.Runtime;

/// <summary>
/// The activations a call passed through, innermost first. A request whose chain already holds its target
/// activation is a call cycle (A → B → A): it runs at once inside the waiting turn instead of queueing behind
/// it, which is what keeps a cycle from deadlocking (call-chain reentrancy).
/// </summary>
internal sealed class CallChain(long activationId, CallChain? next)
{
    private static readonly AsyncLocal<CallChain?> CurrentChain = new();

    public static CallChain? Current
    {
        get => CurrentChain.Value;
        set => CurrentChain.Value = value;
    }

    public long ActivationId { get; } = activationId;

    public CallChain? Next { get; } = next;

    public bool Contains(long activationId)
    {
        for (var link = this; link is not null; link = link.Next)
        {
            if (link.ActivationId == activationId)
            {
                return true;
            }
        }

        return false;
    }
}
