using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tollgate.LoadTest.Metrics;

namespace Tollgate.LoadTest.Http;

/// <summary>
/// The one <see cref="HttpClient"/> of a run: a connection per loop at least, kept for the whole run; no cookie
/// container (cookies are sent as headers), no proxy, no decompression. Load requests end as an <see cref="Attempt"/>,
/// never as an exception, except when the run gives them up (<c>cancellationToken</c>).
/// </summary>
public sealed class LoadHttp : IDisposable
{
    public LoadHttp(IReadOnlyList<Uri> targets, int concurrency, TimeSpan timeout)
    {
        Targets = targets;
        Client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(64, concurrency + 16),
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        })
        { Timeout = timeout };
    }

    public IReadOnlyList<Uri> Targets { get; }

    public HttpClient Client { get; }

    public RoundRobin Endpoint(string pathAndQuery) => new(Targets, pathAndQuery);

    /// <summary>
    /// Sends <paramref name="request"/>, reads the whole answer into <paramref name="body"/>; the latency runs from
    /// <paramref name="startTicks"/>. <paramref name="headers"/>, when given, sees the answer's headers.
    /// </summary>
    public async ValueTask<Attempt> SendAsync(HttpRequestMessage request, BodyBuffer body, long startTicks, CancellationToken cancellationToken,
        Action<HttpResponseMessage>? headers = null)
    {
        try
        {
            using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            headers?.Invoke(response);
            await using (var stream = await response.Content.ReadAsStreamAsync(cancellationToken))
            {
                await body.ReadAsync(stream, cancellationToken);
            }

            return new Attempt((int)response.StatusCode, Failure.None, Stopwatch.GetTimestamp() - startTicks);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Attempt(0, Failure.Timeout, Stopwatch.GetTimestamp() - startTicks);
        }
        catch (HttpRequestException exception)
        {
            var refused = exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
            return new Attempt(0, refused ? Failure.Refused : Failure.Connection, Stopwatch.GetTimestamp() - startTicks);
        }
        catch (IOException)
        {
            return new Attempt(0, Failure.Connection, Stopwatch.GetTimestamp() - startTicks);
        }
    }

    public void Dispose() => Client.Dispose();
}
