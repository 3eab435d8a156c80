using System.Net;

namespace Tollgate.Http.Benchmarks.Load;

/// <summary>The one <see cref="HttpClient"/> a run sends everything with: connections enough for any concurrency, kept for the whole run; no cookies, proxy or decompression.</summary>
public static class LoadClient
{
    public static HttpClient Create() =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 4096,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        { Timeout = TimeSpan.FromSeconds(60) };
}
