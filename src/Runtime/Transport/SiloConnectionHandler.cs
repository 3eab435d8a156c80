using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tollgate.Runtime.Transport;

/// <summary>
/// The silo's side of a connection (a Kestrel connection handler): every request frame becomes a call on this
/// silo's runtime, run concurrently with the others; its result or error goes back under the same call id.
/// When the silo stops, a connection drains: calls already received finish and are answered, later ones are
/// refused as retriable, then the connection closes so the client reconnects elsewhere.
/// </summary>
public sealed class SiloConnectionHandler(GrainRuntime runtime, IHostApplicationLifetime lifetime, ILogger<SiloConnectionHandler> logger) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        logger.LogDebug("Connection {Id} from {Remote}", connection.ConnectionId, connection.RemoteEndPoint);
        var drain = new Drain(connection.ConnectionClosed, lifetime.ApplicationStopping);
        FrameChannel? channel = null;
        channel = new FrameChannel(connection.Transport.Input, connection.Transport.Output, frame =>
        {
            if (frame.Kind == FrameKind.Request)
            {
                // Counted before it leaves the read loop, and run off it: a grain that computes for a long time
                // must not hold up the other calls on this connection, nor the probes that keep the silo alive.
                drain.Begin();
                ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.handler.HandleAsync(s.channel, s.frame, s.drain),
                    (handler: this, channel: channel!, frame, drain), preferLocal: true);
            }
            else if (frame.Kind == FrameKind.Ping && runtime.IsStarted)
            {
                // Answered off the grain path: a probe measures the silo, not a busy grain.
                _ = channel!.SendAsync(FrameCodec.Reply(FrameKind.Pong, frame.CallId, [])).AsTask();
            }
        });
        await using (lifetime.ApplicationStopping.Register(() => _ = drain.StopAsync(channel)))
        {
            await channel.RunAsync(drain.Closed);
        }
    }

    private async Task HandleAsync(FrameChannel channel, Frame frame, Drain drain)
    {
        byte[] reply;
        try
        {
            var (target, request) = Decode(frame.Body);
            if (drain.Stopping)
            {
                throw new GrainShutdownException(target);
            }

            var result = await request.InvokeForRemoteAsync(runtime, target, WireJson.Options);
            reply = FrameCodec.Reply(FrameKind.Response, frame.CallId, result);
        }
        catch (Exception exception)
        {
            reply = FrameCodec.Error(frame.CallId, exception, WireJson.Options);
        }

        try
        {
            await channel.SendAsync(reply);
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            // The caller's connection is gone; it has already failed the call as an unknown outcome.
        }
        finally
        {
            drain.End();
        }
    }

    private static (GrainId Target, GrainRequest Request) Decode(byte[] body)
    {
        var (target, method, hops, arguments) = FrameCodec.ParseRequest(body);
        var read = GrainInterfaceRegistry.FindMethod(method)
            ?? throw new UnknownGrainTypeException($"No grain interface loaded in this silo has the method {method}.");
        var reader = new Utf8JsonReader(arguments.Span);
        var request = read(ref reader, WireJson.Options);
        request.Hops = hops;
        return (target, request);
    }

    /// <summary>Counts a connection's calls in flight, and closes it once the silo stops and they are done.</summary>
    private sealed class Drain(CancellationToken connectionClosed, CancellationToken stopping)
    {
        private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(50);

        // A client that never hangs up (it does not speak GOAWAY) does not hold the stop longer than this.
        private static readonly TimeSpan ClientCloseBound = TimeSpan.FromSeconds(5);
        private readonly CancellationTokenSource _closed = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
        private int _inFlight;

        public CancellationToken Closed => _closed.Token;

        public bool Stopping => stopping.IsCancellationRequested;

        public void Begin() => Interlocked.Increment(ref _inFlight);

        public void End() => Interlocked.Decrement(ref _inFlight);

        public async Task StopAsync(FrameChannel channel)
        {
            try
            {
                await channel.SendAsync(FrameCodec.Reply(FrameKind.GoAway, 0, []));

                // Keep reading until the client hangs up (it does once its calls are answered), so a call it sent
                // before it read GOAWAY is answered, as refused and retriable, rather than lost unread.
                var giveUpAt = DateTime.UtcNow + ClientCloseBound;
                do
                {
                    await Task.Delay(Grace, _closed.Token);
                }
                while (Volatile.Read(ref _inFlight) > 0 || DateTime.UtcNow < giveUpAt);
                await _closed.CancelAsync();
            }
            catch (Exception exception) when (exception is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
            {
                // Closed: by the client, as it should be.
            }
        }
    }
}
