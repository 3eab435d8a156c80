using System.Text.Json;

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

    /// <summary>How many times this call was forwarded between silos.</summary>
    internal int Hops { get; set; }

    /// <summary>The call chain this request belongs to; set by the runtime.</summary>
    internal CallChain? Chain { get; set; }

    /// <summary>Runs a queued request and completes its caller's task.</summary>
    internal abstract Task RunQueuedAsync(object grain);

    /// <summary>Completes a queued request by sending it to the silo that won the grain's registration.</summary>
    internal abstract Task ForwardQueuedAsync(GrainDirectory.ClusterRouter router, Membership.SiloAddress silo);

    /// <summary>Fails a queued request that will never run.</summary>
    internal abstract void Fail(Exception exception);

    /// <summary>Writes the arguments as a JSON array, one element per parameter; generated.</summary>
    public abstract void WriteArguments(Utf8JsonWriter writer, JsonSerializerOptions options);

    /// <summary>Runs this request, received from another process, on the local activation; returns the result as JSON.</summary>
    internal abstract Task<byte[]> InvokeForRemoteAsync(GrainRuntime runtime, GrainId target, JsonSerializerOptions options);

    /// <summary>Used by generated readers: the arguments array begins.</summary>
    public static void ReadArrayStart(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Grain call arguments must be a JSON array.");
        }
    }

    /// <summary>Used by generated readers: moves to the next argument, which must exist.</summary>
    public static void ReadNext(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
        {
            throw new JsonException("A grain call has fewer arguments than its method takes.");
        }
    }

    /// <summary>Used by generated readers: skips arguments a newer caller added, then ends the array.</summary>
    public static void ReadArrayEnd(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            reader.Skip();
        }
    }

    /// <summary>Used by generated invokers of methods returning a plain task.</summary>
    public static Task<VoidResult> ToVoidResult(Task task) =>
        task.IsCompletedSuccessfully ? CompletedVoid : AwaitVoidAsync(task);

    private static async Task<VoidResult> AwaitVoidAsync(Task task)
    {
        await task;
        return default;
    }
}
