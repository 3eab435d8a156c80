using System.Collections.Concurrent;

namespace Tollgate.Runtime.Tests.Grains;

/// <summary>A service injected into test grains: what activated and deactivated, per key.</summary>
public sealed class ActivationLog
{
    private readonly ConcurrentDictionary<string, int> _activations = new();
    private readonly ConcurrentQueue<(string Key, DeactivationReason Reason)> _deactivations = new();

    public void Activated(string key) => _activations.AddOrUpdate(key, 1, (_, n) => n + 1);

    public void Deactivated(string key, DeactivationReason reason) => _deactivations.Enqueue((key, reason));

    public int Activations(string key) => _activations.GetValueOrDefault(key);

    public IReadOnlyList<DeactivationReason> Deactivations(string key) =>
        _deactivations.Where(d => d.Key == key).Select(d => d.Reason).ToList();
}
