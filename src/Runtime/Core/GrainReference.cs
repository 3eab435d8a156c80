namespace Tollgate.Runtime;

/// <summary>Base of the generated proxies: a grain id and the invoker its calls go through.</summary>
public abstract class GrainReference(GrainId grainId, IGrainCallInvoker invoker)
{
    public GrainId GrainId { get; } = grainId;

    protected IGrainCallInvoker Invoker { get; } = invoker;

    public override string ToString() => GrainId.ToString();
}
