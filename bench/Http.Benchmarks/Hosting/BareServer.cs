using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Tollgate.Http.Benchmarks.Hosting;

/// <summary>
/// The baseline: a minimal <see cref="WebApplication"/> in this process, same Kestrel defaults, environment and
/// log level as the ApiHost, with one route <c>GET /bare</c> answering <c>Results.Json(payload)</c>.
/// </summary>
public sealed class BareServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BareServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<BareServer> StartAsync(int port, object payload)
    {
        var app = BaselineApp.CreateBuilder(port).Build();
        app.MapGet("/bare", () => Results.Json(payload));
        await app.StartAsync();
        return new BareServer(app, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
