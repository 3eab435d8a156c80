using System.Diagnostics;
using Orleans;

namespace Tollgate.Hosting;

/// <summary>Records each grain call this silo runs: its duration and outcome by grain interface, for <c>/metrics</c>.</summary>
internal sealed class GrainCallTelemetryFilter : IIncomingGrainCallFilter
{
    private static readonly object Ok = "ok";
    private static readonly object Error = "error";

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (!RuntimeTelemetry.CallDuration.Enabled)
        {
            await context.Invoke();
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var succeeded = false;
        try
        {
            await context.Invoke();
            succeeded = true;
        }
        finally
        {
            RuntimeTelemetry.CallDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("interface", context.InterfaceMethod?.DeclaringType?.FullName ?? context.InterfaceName),
                new KeyValuePair<string, object?>("outcome", succeeded ? Ok : Error));
        }
    }
}
