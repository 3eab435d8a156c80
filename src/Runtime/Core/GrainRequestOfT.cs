using System.Text.Json;

namespace Tollgate.Runtime;

/// <summary>A grain call returning <typeparamref name="TResult"/>.</summary>
public abstract class GrainRequest<TResult> : GrainRequest
{
    // Created only when the request has to wait in a queue; a call that runs at once returns the grain's own task.
    private TaskCompletionSource<TResult>? _completion;

    /// <summary>Calls the grain method on <paramref name="grain"/>; generated.</summary>
    public abstract Task<TResult> InvokeAsync(object grain);

    internal bool HasCompletion => _completion is not null;

    internal Task<TResult> Completion => _completion!.Task;

    internal Task<TResult> Enqueued()
    {
        _completion = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        return _completion.Task;
    }

    internal override async Task RunQueuedAsync(object grain)
    {
        try
        {
            _completion!.TrySetResult(await InvokeAsync(grain));
        }
        catch (Exception exception)
        {
            _completion!.TrySetException(exception);
            throw;
        }
    }

    internal override void Fail(Exception exception) => _completion?.TrySetException(exception);

    internal override async Task ForwardQueuedAsync(GrainDirectory.ClusterRouter router, Membership.SiloAddress silo)
    {
        try
        {
            _completion!.TrySetResult(await router.ForwardAsync(silo, Target, this));
        }
        catch (Exception exception)
        {
            _completion!.TrySetException(exception);
        }
    }

    internal override async Task<byte[]> InvokeForRemoteAsync(GrainRuntime runtime, GrainId target, JsonSerializerOptions options) =>
        JsonSerializer.SerializeToUtf8Bytes(await runtime.InvokeAsync(target, this), options);

    /// <summary>Reads a result that came back from another process.</summary>
    internal static TResult ReadResult(ReadOnlySpan<byte> json, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<TResult>(json, options)!;
}
