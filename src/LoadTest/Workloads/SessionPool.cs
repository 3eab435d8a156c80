using Tollgate.LoadTest.Seeding;

namespace Tollgate.LoadTest.Workloads;

/// <summary>
/// The live session of each session user, replaced when the mixed scenario revokes it, and the last revoked ones,
/// which readers keep probing: they must read as signed out on every host from the moment the revocation returned.
/// </summary>
public sealed class SessionPool
{
    private const int RevokedKept = 16;
    private readonly SessionHandle[] _current;
    private readonly SessionHandle?[] _revoked = new SessionHandle?[RevokedKept];
    private int _revokedCount;

    public SessionPool(IEnumerable<SignedIn> sessions) => _current = sessions.Select(s => new SessionHandle(s)).ToArray();

    public int Count => _current.Length;

    public SessionHandle Current(int slot) => Volatile.Read(ref _current[slot]);

    public SessionHandle PickCurrent() => Current(Random.Shared.Next(_current.Length));

    /// <summary>A recently revoked session, if any.</summary>
    public SessionHandle? PickRevoked()
    {
        var count = Math.Min(Volatile.Read(ref _revokedCount), RevokedKept);
        return count == 0 ? null : Volatile.Read(ref _revoked[Random.Shared.Next(count)]);
    }

    public void Replace(int slot, SessionHandle revoked, SessionHandle next)
    {
        var index = Interlocked.Increment(ref _revokedCount) - 1;
        Volatile.Write(ref _revoked[index % RevokedKept], revoked);
        Volatile.Write(ref _current[slot], next);
    }
}
