using Orleans;
using Orleans.Runtime;

namespace Tollgate.Hosting;

/// <summary>
/// Orleans does not retry. A call that Orleans <em>rejected</em> (<see cref="OrleansMessageRejectionException"/>: the
/// target silo could not be reached, or refused the message before running it — it is starting, stopping, or its
/// grains are moving) provably did not run, so it is sent again, a few times within about two seconds. Anything
/// else — a timeout, a silo that failed while the call was in flight — may have run, and goes back to the caller
/// as it is (HTTP 503/504 with Retry-After; a consume is retried by its client with the same Idempotency-Key).
/// </summary>
internal sealed class RejectedCallRetryFilter : IOutgoingGrainCallFilter
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)];

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await context.Invoke();
                // A rejection usually comes back as the call's response rather than as a throw.
                if (context.Response?.Exception is not OrleansMessageRejectionException || attempt == Backoff.Length)
                {
                    return;
                }
            }
            catch (OrleansMessageRejectionException) when (attempt < Backoff.Length)
            {
            }

            await Task.Delay(Backoff[attempt]);
        }
    }
}
