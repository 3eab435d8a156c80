namespace Tollgate.Runtime;

/// <summary>A grain interface, grain class or state type the runtime was not told about.</summary>
public sealed class UnknownGrainTypeException(string message) : GrainException(message)
{
    public override bool IsRetriable => false;
}
