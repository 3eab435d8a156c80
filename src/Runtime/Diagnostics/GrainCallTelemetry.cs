using System.Diagnostics;

namespace Tollgate.Runtime.Diagnostics;

/// <summary>
/// One grain call as seen by the silo that runs it: its duration and outcome for <c>/metrics</c> and, when traces
/// are exported, an activity whose children are the calls the grain makes before its first await. When nothing
/// listens it costs two flag checks; when metrics listen, two timestamps and a record with two cached tag values.
/// </summary>
internal readonly struct GrainCallTelemetry
{
    private static readonly object Ok = "ok";
    private static readonly object Error = "error";

    private readonly long _started;
    private readonly Activity? _activity;
    private readonly Activity? _callerActivity;

    private GrainCallTelemetry(long started, Activity? activity, Activity? callerActivity)
    {
        _started = started;
        _activity = activity;
        _callerActivity = callerActivity;
    }

    /// <summary>Starts timing (and tracing) <paramref name="request"/>, whose target is set.</summary>
    public static GrainCallTelemetry Start(GrainRequest request)
    {
        var started = RuntimeTelemetry.CallDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        if (!RuntimeTelemetry.Source.HasListeners())
        {
            return new GrainCallTelemetry(started, null, null);
        }

        var caller = Activity.Current;
        var activity = RuntimeTelemetry.Source.StartActivity(request.MethodName);
        if (activity is { IsAllDataRequested: true })
        {
            // No grain key: a key can be a person's id or a credential, and traces leave the process.
            activity.SetTag("rpc.system", "tollgate");
            activity.SetTag("rpc.service", request.Target.Type);
            activity.SetTag("rpc.method", request.MethodName);
        }

        return new GrainCallTelemetry(started, activity, caller);
    }

    /// <summary>The call goes on without its caller: what the caller does next is not part of the call's span.</summary>
    public GrainCallTelemetry Detach()
    {
        if (_activity is not null)
        {
            Activity.Current = _callerActivity;
        }

        return this;
    }

    /// <summary>Records a call whose task completed before it was returned, and returns that task.</summary>
    public Task<TResult> Completed<TResult>(GrainRequest request, Task<TResult> task)
    {
        Stop(request, task.IsCompletedSuccessfully);
        return task;
    }

    public void Stop(GrainRequest request, bool succeeded)
    {
        if (_started != 0)
        {
            RuntimeTelemetry.CallDuration.Record(
                Stopwatch.GetElapsedTime(_started).TotalSeconds,
                new KeyValuePair<string, object?>("interface", request.Target.Type),
                new KeyValuePair<string, object?>("outcome", succeeded ? Ok : Error));
        }

        if (_activity is not null)
        {
            if (!succeeded)
            {
                _activity.SetStatus(ActivityStatusCode.Error);
            }

            _activity.Stop();
        }
    }
}
