using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;

namespace Tollgate.Runtime.Transport;

/// <summary>
/// Both directions of one long-lived connection. Many calls share it: frames queue in a bounded channel
/// (back-pressure on senders when the socket falls behind) and one writer loop copies every queued frame and
/// flushes once per batch; one reader loop hands each whole frame to the owner.
/// </summary>
internal sealed class FrameChannel(PipeReader input, PipeWriter output, Action<Frame> onFrame)
{
    private readonly Channel<Outbound> _outbound = Channel.CreateBounded<Outbound>(
        new BoundedChannelOptions(8192) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues a frame; <paramref name="onWritten"/> runs once it is handed to the socket.</summary>
    public ValueTask SendAsync(byte[] frame, IFrameSent? onWritten = null, CancellationToken cancellationToken = default) =>
        _outbound.Writer.WriteAsync(new Outbound(frame, onWritten), cancellationToken);

    /// <summary>Runs until the connection closes or breaks; then no more frames are accepted.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var writing = WriteLoopAsync(cancellationToken);
        try
        {
            await ReadLoopAsync(cancellationToken);
        }
        finally
        {
            _outbound.Writer.TryComplete();
            await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                while (FrameCodec.TryRead(ref buffer, out var frame))
                {
                    onFrame(frame);
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or InvalidDataException or ObjectDisposedException
                                              or System.Net.Sockets.SocketException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            // The connection is gone or corrupt; the owner fails what was in flight.
        }
        finally
        {
            await input.CompleteAsync();
        }
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        var reader = _outbound.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                while (reader.TryRead(out var item))
                {
                    item.OnWritten?.Sent();
                    output.Write(item.Frame);
                }

                var flushed = await output.FlushAsync(cancellationToken);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException
                                              or System.Net.Sockets.SocketException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            // Same as above: the read side notices too.
        }
        finally
        {
            _outbound.Writer.TryComplete();
            await output.CompleteAsync();
        }
    }

    private readonly record struct Outbound(byte[] Frame, IFrameSent? OnWritten);
}
