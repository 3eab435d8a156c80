using Tollgate.LoadTest.Seeding;

namespace Tollgate.LoadTest.Workloads;

/// <summary>
/// One session as the readers use it, with the moments (<see cref="System.Diagnostics.Stopwatch"/> ticks, 0 = not yet)
/// its revocation was sent and answered 200: a read sent after <see cref="RevokedAt"/> must not see the session.
/// </summary>
public sealed class SessionHandle(SignedIn session)
{
    private long _revokeSentAt;
    private long _revokedAt;

    public SignedIn Session { get; } = session;

    public byte[] UserIdUtf8 { get; } = System.Text.Encoding.UTF8.GetBytes(session.UserId);

    public long RevokeSentAt => Volatile.Read(ref _revokeSentAt);

    public long RevokedAt => Volatile.Read(ref _revokedAt);

    public void RevokeSent(long ticks) => Volatile.Write(ref _revokeSentAt, ticks);

    public void Revoked(long ticks) => Volatile.Write(ref _revokedAt, ticks);
}
