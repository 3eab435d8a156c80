using System.Collections.Concurrent;
using System.Net;
using Tollgate.Testing;

namespace Tollgate.ApiHost.Tests.Operations;

/// <summary>A stand-in OTLP/HTTP collector on loopback: keeps every request it receives and answers 200 (an empty export response).</summary>
internal sealed class OtlpCollector : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _receiving;

    private OtlpCollector(int port)
    {
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _receiving = ReceiveAsync();
    }

    public Uri Endpoint { get; }

    public ConcurrentQueue<OtlpRequest> Received { get; } = new();

    public static OtlpCollector Start() => new(HostProcess.FreePort());

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _receiving;
        _listener.Close();
    }

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            Received.Enqueue(new OtlpRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.ContentType, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }
}
