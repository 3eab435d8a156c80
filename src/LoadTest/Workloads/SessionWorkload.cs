using System.Diagnostics;
using System.Net.Http.Headers;
using Tollgate.LoadTest.Audit;
using Tollgate.LoadTest.Http;
using Tollgate.LoadTest.Load;
using Tollgate.LoadTest.Metrics;

namespace Tollgate.LoadTest.Workloads;

/// <summary>
/// One <c>GET /api/auth/get-session</c>, as a browser (the session cookie) or an API client (the bearer token) sends
/// it, half each; when sessions have been revoked, one read in ten probes a revoked one.
/// </summary>
public sealed class SessionWorkload(SessionPool pool, LoadHttp http, Recorder recorder, SessionAudit audit)
{
    private const double RevokedProbeShare = 0.1;
    private readonly RoundRobin _endpoint = http.Endpoint("/api/auth/get-session");

    public async ValueTask RunAsync(LoopContext loop, long startTicks, CancellationToken abandon)
    {
        var handle = (Random.Shared.NextDouble() < RevokedProbeShare ? pool.PickRevoked() : null) ?? pool.PickCurrent();
        using var request = new HttpRequestMessage(HttpMethod.Get, _endpoint.Next());
        if ((Random.Shared.Next() & 1) == 0)
        {
            request.Headers.TryAddWithoutValidation("Cookie", handle.Session.Cookie);
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", handle.Session.Token);
        }

        var sent = Stopwatch.GetTimestamp();
        Attempt result;
        try
        {
            result = await http.SendAsync(request, loop.Body, startTicks, abandon);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        recorder.Record(Operation.GetSession, result);
        if (result.Ok)
        {
            audit.Observe(handle, sent, loop.Body.Span);
        }
    }
}
