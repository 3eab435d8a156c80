using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Tollgate.Runtime.Diagnostics;

/// <summary>
/// A silo's activations per grain type, kept as the catalog adds and removes them, so a scrape reads one number
/// per type instead of walking every activation.
/// </summary>
internal sealed class ActivationCounts
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _byType = new(StringComparer.Ordinal);

    public void Added(GrainId grainId) => Interlocked.Increment(ref Counter(grainId.Type).Value);

    public void Removed(GrainId grainId) => Interlocked.Decrement(ref Counter(grainId.Type).Value);

    /// <summary>Every grain type that had an activation since start, with how many it has now.</summary>
    public IEnumerable<KeyValuePair<string, long>> ByType() =>
        _byType.Select(pair => new KeyValuePair<string, long>(pair.Key, Volatile.Read(ref pair.Value.Value)));

    private StrongBox<long> Counter(string type) => _byType.GetOrAdd(type, static _ => new StrongBox<long>());
}
