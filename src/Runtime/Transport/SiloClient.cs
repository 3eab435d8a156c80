using System.Net;
using System.Text.Json;

namespace Tollgate.Runtime.Transport;

/// <summary>
/// A cluster client for one silo endpoint: typed references whose calls travel over one multiplexed
/// connection, reopened on the next call after it breaks. Calls are never resent by the client.
/// </summary>
public sealed class SiloClient(EndPoint silo, TimeSpan responseTimeout) : IGrainFactory, IGrainCallInvoker, IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private SiloConnection? _connection;

    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey => GrainInterfaceRegistry.CreateReference<TGrain>(key, this);

    public Task<TResult> InvokeAsync<TResult>(GrainReference target, GrainRequest<TResult> request) => InvokeAsync(target.GrainId, request);

    /// <summary>Sends <paramref name="request"/> for <paramref name="target"/> to this client's silo.</summary>
    internal async Task<TResult> InvokeAsync<TResult>(GrainId target, GrainRequest<TResult> request)
    {
        var connection = await ConnectAsync();
        var reply = await connection.CallAsync(
            id => FrameCodec.Request(id, target, request, WireJson.Options), responseTimeout, target, request.MethodName);
        if (reply.Kind == FrameKind.Error)
        {
            var error = JsonSerializer.Deserialize<WireError>(reply.Body, WireJson.Options)!;
            throw new RemoteGrainException(error.Type, error.Message, error.Retriable);
        }

        return GrainRequest<TResult>.ReadResult(reply.Body, WireJson.Options);
    }

    /// <summary>True when the silo answers a liveness probe within <paramref name="timeout"/>.</summary>
    public async Task<bool> PingAsync(TimeSpan timeout)
    {
        try
        {
            return await (await ConnectAsync()).PingAsync(timeout);
        }
        catch (SiloUnavailableException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    private async ValueTask<SiloConnection> ConnectAsync()
    {
        var current = _connection;
        if (current is { IsOpen: true })
        {
            return current;
        }

        await _connecting.WaitAsync();
        try
        {
            if (_connection is not { IsOpen: true })
            {
                _connection = await SiloConnection.ConnectAsync(silo, CancellationToken.None);
            }

            return _connection;
        }
        finally
        {
            _connecting.Release();
        }
    }
}
