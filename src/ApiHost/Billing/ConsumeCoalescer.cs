using System.Collections.Concurrent;
using Tollgate.Grains.Billing;

namespace Tollgate.ApiHost.Billing;

/// <summary>
/// Group commit for a hot subscription: while one batch of consumptions is with the subscription grain, the
/// ones that arrive wait and then go together as the next batch, which the grain makes durable with one write.
/// One lane per subscription; a quiet lane costs nothing. It only coalesces calls: every rule stays in the grain.
/// </summary>
public sealed class ConsumeCoalescer(IGrainFactory grains)
{
    private const int MaxBatch = 512;
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    public Task<ConsumeOutcome> ConsumeAsync(string subscriptionKey, ConsumeRequest request)
    {
        while (true)
        {
            var lane = _lanes.GetOrAdd(subscriptionKey, key => new Lane(key));
            lock (lane)
            {
                if (lane.Retired)
                {
                    continue; // removed while we looked it up: take the new one
                }

                if (lane.Running)
                {
                    var pending = new Pending(request, new TaskCompletionSource<ConsumeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
                    lane.Queue.Add(pending);
                    return pending.Completion.Task;
                }

                lane.Running = true;
            }

            // A quiet lane: this request goes alone, straight to the grain, and whoever arrived meanwhile goes next.
            return AloneThenDrainAsync(lane, request);
        }
    }

    private async Task<ConsumeOutcome> AloneThenDrainAsync(Lane lane, ConsumeRequest request)
    {
        try
        {
            return (await grains.GetGrain<ISubscriptionGrain>(lane.Key).ConsumeAsync([request]))[0];
        }
        finally
        {
            _ = DrainAsync(lane);
        }
    }

    private async Task DrainAsync(Lane lane)
    {
        var grain = grains.GetGrain<ISubscriptionGrain>(lane.Key);
        while (true)
        {
            List<Pending> batch;
            lock (lane)
            {
                if (lane.Queue.Count == 0)
                {
                    lane.Running = false;
                    lane.Retired = true;
                    _lanes.TryRemove(new KeyValuePair<string, Lane>(lane.Key, lane));
                    return;
                }

                batch = lane.Queue.Count <= MaxBatch ? lane.Queue : lane.Queue[..MaxBatch];
                lane.Queue = lane.Queue.Count <= MaxBatch ? [] : lane.Queue[MaxBatch..];
            }

            try
            {
                var outcomes = await grain.ConsumeAsync([.. batch.Select(p => p.Request)]);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(outcomes[i]);
                }
            }
            catch (Exception exception)
            {
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(exception);
                }
            }
        }
    }

    private sealed class Lane(string key)
    {
        public string Key { get; } = key;

        public List<Pending> Queue { get; set; } = [];

        public bool Running { get; set; }

        public bool Retired { get; set; }
    }

    private sealed record Pending(ConsumeRequest Request, TaskCompletionSource<ConsumeOutcome> Completion);
}
