namespace Tollgate.LoadTest.Http;

/// <summary>One path on every target, handed out in turn, so the load spreads evenly over the API hosts.</summary>
public sealed class RoundRobin(IReadOnlyList<Uri> targets, string pathAndQuery)
{
    private readonly Uri[] _uris = targets.Select(t => new Uri(t, pathAndQuery)).ToArray();
    private uint _next;

    public Uri Next() => _uris.Length == 1 ? _uris[0] : _uris[Interlocked.Increment(ref _next) % (uint)_uris.Length];
}
