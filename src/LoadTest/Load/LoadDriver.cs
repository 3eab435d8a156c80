using System.Diagnostics;

namespace Tollgate.LoadTest.Load;

/// <summary>
/// Runs <c>loops</c> loops of one operation until told to stop issuing. Closed loop: each loop starts its next
/// operation when the last one ended. Open loop (<see cref="Pacer"/>): operations start on the schedule, at most
/// <c>loops</c> at a time. An operation in progress when issuing stops runs to its end (its retries included).
/// </summary>
public sealed class LoadDriver(int loops, Pacer? pacer)
{
    public delegate ValueTask Operation(LoopContext loop, long startTicks, CancellationToken abandon);

    public Pacer? Pacer => pacer;

    public Task RunAsync(Operation operation, CancellationToken stopIssuing, CancellationToken abandon) =>
        Task.WhenAll(Enumerable.Range(0, loops).Select(i => Task.Run(() => LoopAsync(new LoopContext(i), operation, stopIssuing, abandon), CancellationToken.None)));

    private async Task LoopAsync(LoopContext loop, Operation operation, CancellationToken stopIssuing, CancellationToken abandon)
    {
        while (!stopIssuing.IsCancellationRequested)
        {
            long start;
            if (pacer is null)
            {
                start = Stopwatch.GetTimestamp();
            }
            else
            {
                try
                {
                    start = await pacer.NextAsync(stopIssuing);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            await operation(loop, start, abandon);
        }
    }
}
