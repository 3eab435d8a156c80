namespace Tollgate.Runtime;

/// <summary>
/// One call of one grain method with its arguments, generated per method. The runtime queues it on the target
/// activation and runs it as one turn.
/// </summary>
public abstract class GrainRequest
{
    private static readonly Task<VoidResult> CompletedVoid = Task.FromResult(default(VoidResult));

    /// <summary>Interface, method and arity, e.g. <c>IUserGrain.SetRoleAsync/1</c>: for logs and dispatch.</summary>
    public abstract string MethodName { get; }

    /// <summary>The grain this request is for; set by the runtime.</summary>
    internal GrainId Target { get; set; }

    /// <summary>The call chain this request belongs to; set by the runtime.</summary>
    internal CallChain? Chain { get; set; }

    /// <summary>Runs a queued request and completes its caller's task.</summary>
    internal abstract Task RunQueuedAsync(object grain);

    /// <summary>Fails a queued request that will never run.</summary>
    internal abstract void Fail(Exception exception);

    /// <summary>Used by generated invokers of methods returning a plain task.</summary>
    public static Task<VoidResult> ToVoidResult(Task task) =>
        task.IsCompletedSuccessfully ? CompletedVoid : AwaitVoidAsync(task);

    private static async Task<VoidResult> AwaitVoidAsync(Task task)
    {
        await task;
        return default;
    }
}
