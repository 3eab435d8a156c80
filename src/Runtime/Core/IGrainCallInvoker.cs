namespace Tollgate.Runtime;

/// <summary>Carries a call from a generated proxy to the grain's activation, wherever it lives.</summary>
public interface IGrainCallInvoker
{
    /// <summary>Sends <paramref name="request"/> to the grain behind <paramref name="target"/>.</summary>
    Task<TResult> InvokeAsync<TResult>(GrainReference target, GrainRequest<TResult> request);
}
