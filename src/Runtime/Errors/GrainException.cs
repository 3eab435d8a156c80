namespace Tollgate.Runtime;

/// <summary>Base of the runtime's errors. <see cref="IsRetriable"/> says whether resending the call is safe.</summary>
public abstract class GrainException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when the call certainly did not take effect, so a caller may send it again.</summary>
    public abstract bool IsRetriable { get; }
}
