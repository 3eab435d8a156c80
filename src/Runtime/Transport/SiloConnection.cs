using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Tollgate.Runtime.Transport;

/// <summary>A client's long-lived, multiplexed connection to one silo; calls are matched to replies by id.</summary>
internal sealed class SiloConnection : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, PendingCall> _pending = new();
    private readonly Socket _socket;
    private readonly FrameChannel _channel;
    private readonly CancellationTokenSource _closing = new();
    private readonly string _silo;
    private long _lastCallId;
    private volatile bool _goingAway;

    private SiloConnection(Socket socket, string silo)
    {
        _socket = socket;
        _silo = silo;
        var stream = new NetworkStream(socket, ownsSocket: true);
        _channel = new FrameChannel(PipeReader.Create(stream), PipeWriter.Create(stream), OnFrame);
        Completion = RunAsync();
    }

    public Task Completion { get; }

    /// <summary>False once the connection broke or the silo said GOAWAY: new calls need a new connection.</summary>
    public bool IsOpen => !Completion.IsCompleted && !_goingAway;

    public static async Task<SiloConnection> ConnectAsync(EndPoint silo, CancellationToken cancellationToken)
    {
        var socket = new Socket(silo.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(silo, cancellationToken);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            throw new SiloUnavailableException(silo.ToString()!, sent: false, exception);
        }

        return new SiloConnection(socket, silo.ToString()!);
    }

    /// <summary>Sends one request frame built for the given call id; completes with the reply frame.</summary>
    public async Task<Frame> CallAsync(Func<long, byte[]> frame, TimeSpan timeout, GrainId target, string method)
    {
        var call = new PendingCall(Interlocked.Increment(ref _lastCallId));
        _pending[call.Id] = call;
        try
        {
            await _channel.SendAsync(frame(call.Id), call);
            return await call.Reply.Task.WaitAsync(timeout);
        }
        catch (System.Threading.Channels.ChannelClosedException exception)
        {
            throw new SiloUnavailableException(_silo, call.WasSent, exception);
        }
        catch (TimeoutException)
        {
            // The answer may land between the timer firing and this line: then it is the answer, not a timeout.
            return call.Reply.Task.IsCompleted ? await call.Reply.Task : throw new GrainCallTimeoutException(target, method, timeout);
        }
        finally
        {
            _pending.TryRemove(call.Id, out _);
            CloseIfDrained();
        }
    }

    /// <summary>True when the silo answers a probe within <paramref name="timeout"/>.</summary>
    public async Task<bool> PingAsync(TimeSpan timeout)
    {
        try
        {
            var reply = await CallAsync(id => FrameCodec.Reply(FrameKind.Ping, id, []), timeout, default, "ping");
            return reply.Kind == FrameKind.Pong;
        }
        catch (GrainException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        _socket.Dispose();
        await Completion;
    }

    private async Task RunAsync()
    {
        await Task.Yield();
        await _channel.RunAsync(_closing.Token);

        // Nothing more can arrive: every call still waiting fails now instead of at its timeout.
        foreach (var call in _pending.Values)
        {
            call.Reply.TrySetException(new SiloUnavailableException(_silo, call.WasSent));
        }
    }

    private void OnFrame(Frame frame)
    {
        if (frame.Kind == FrameKind.GoAway)
        {
            _goingAway = true;
            CloseIfDrained();
        }
        else if (_pending.TryGetValue(frame.CallId, out var call))
        {
            call.Reply.TrySetResult(frame);
        }
    }

    // After GOAWAY the client hangs up once nothing is pending: the silo reads (and answers) everything sent
    // before that, so no call is lost unread when it closes.
    private void CloseIfDrained()
    {
        if (_goingAway && _pending.IsEmpty)
        {
            _closing.Cancel();
        }
    }

    private sealed class PendingCall(long id) : IFrameSent
    {
        private volatile bool _sent;

        public long Id { get; } = id;

        public TaskCompletionSource<Frame> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool WasSent => _sent;

        public void Sent() => _sent = true;
    }
}
