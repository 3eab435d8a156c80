using System.Collections.Concurrent;
using System.Diagnostics;
using Tollgate.LoadTest.Workloads;

namespace Tollgate.LoadTest.Audit;

/// <summary>
/// Counts, as the answers arrive, what the session scenarios must never see: a revoked session accepted by a read
/// sent after its revocation returned, a live session read as signed out, another user's session, and a role change
/// not in force on the very next request.
/// </summary>
public sealed class SessionAudit
{
    private const int ExamplesKept = 5;
    private static readonly byte[] JsonNull = "null"u8.ToArray();
    private readonly ConcurrentQueue<string> _examples = new();
    private long _reads;
    private long _accepted;
    private long _revokedRefused;
    private long _violations;
    private long _unexpectedNulls;
    private long _wrongUser;
    private long _revocations;
    private long _roleChanges;
    private long _staleRoles;

    /// <summary>Judges a 200 answer of get-session for <paramref name="handle"/>, sent at <paramref name="sentTicks"/>.</summary>
    public void Observe(SessionHandle handle, long sentTicks, ReadOnlySpan<byte> body)
    {
        Interlocked.Increment(ref _reads);
        if (body.Trim(" \r\n"u8).SequenceEqual(JsonNull))
        {
            // Signed out is right once a revocation was sent (it may apply before its answer comes back).
            Interlocked.Increment(ref handle.RevokeSentAt != 0 ? ref _revokedRefused : ref _unexpectedNulls);
            return;
        }

        var revokedAt = handle.RevokedAt;
        if (revokedAt != 0 && sentTicks > revokedAt)
        {
            Interlocked.Increment(ref _violations);
            Example($"session of {handle.Session.UserId} accepted by a read sent {Stopwatch.GetElapsedTime(revokedAt, sentTicks).TotalMilliseconds:0.0} ms after its revocation returned");
        }
        else if (body.IndexOf(handle.UserIdUtf8) < 0)
        {
            Interlocked.Increment(ref _wrongUser);
            Example($"get-session for {handle.Session.UserId} answered another user");
        }
        else
        {
            Interlocked.Increment(ref _accepted);
        }
    }

    public void Revocation() => Interlocked.Increment(ref _revocations);

    public void RoleChange(bool inForce, string userId, string role)
    {
        Interlocked.Increment(ref _roleChanges);
        if (!inForce)
        {
            Interlocked.Increment(ref _staleRoles);
            Example($"role of {userId} set to {role}, the next request was answered as before");
        }
    }

    public SessionAuditResult Result() => new(
        Interlocked.Read(ref _reads), Interlocked.Read(ref _accepted), Interlocked.Read(ref _revokedRefused), Interlocked.Read(ref _violations),
        Interlocked.Read(ref _unexpectedNulls), Interlocked.Read(ref _wrongUser), Interlocked.Read(ref _revocations), Interlocked.Read(ref _roleChanges),
        Interlocked.Read(ref _staleRoles), [.. _examples]);

    private void Example(string text)
    {
        if (_examples.Count < ExamplesKept)
        {
            _examples.Enqueue(text);
        }
    }
}
