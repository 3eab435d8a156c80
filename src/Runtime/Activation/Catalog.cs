using System.Collections.Concurrent;

namespace Tollgate.Runtime;

/// <summary>The activations of this silo, one per grain id.</summary>
internal sealed class Catalog
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();

    public int Count => _activations.Count;

    /// <summary>Activations per grain type, for <c>/metrics</c>.</summary>
    public Diagnostics.ActivationCounts Counts { get; } = new();

    public IEnumerable<ActivationData> Activations => _activations.Values;

    public bool TryGet(GrainId grainId, out ActivationData? activation) => _activations.TryGetValue(grainId, out activation);

    /// <summary>The activation of <paramref name="grainId"/>, created when there is none; its first call starts it.</summary>
    public ActivationData GetOrCreate(GrainRuntime runtime, GrainId grainId)
    {
        while (true)
        {
            if (_activations.TryGetValue(grainId, out var existing))
            {
                return existing;
            }

            var created = new ActivationData(runtime, grainId, runtime.GrainClasses.Get(grainId.Type));
            if (_activations.TryAdd(grainId, created))
            {
                Counts.Added(grainId);
                return created;
            }
        }
    }

    /// <summary>Removes exactly this activation; a newer one of the same grain stays.</summary>
    public void Remove(ActivationData activation)
    {
        if (_activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation)))
        {
            Counts.Removed(activation.GrainId);
        }
    }
}
