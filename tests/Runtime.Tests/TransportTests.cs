using System.Net;
using System.Net.Sockets;
using Tollgate.Runtime.Tests.Grains;
using Tollgate.Runtime.Transport;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.Runtime.Tests;

/// <summary>Grain calls from a client to a silo over loopback TCP: real sockets, real Kestrel, real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TransportTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static string NewKey() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task ACallOverTheWireReachesTheSilosActivationAndReturnsItsResult()
    {
        await using var silo = await TestSilo.StartAsync(postgres, listen: true);
        await using var client = new SiloClient(silo.Endpoint!, Timeout);
        var key = NewKey();

        var counter = client.GetGrain<ICounterGrain>(key);
        await counter.AddAsync(5);
        await counter.SetLabelAsync("über \"quoted\"");

        Assert.Equal(5, await silo.Grains.GetGrain<ICounterGrain>(key).GetAsync());
        Assert.Equal("über \"quoted\"", await counter.GetLabelAsync());
        Assert.Null(await client.GetGrain<ICounterGrain>(NewKey()).GetLabelAsync());
        Assert.Equal(5, await counter.VersionAsync() > 0 ? await counter.GetAsync() : -1);
    }

    [Fact]
    public async Task ManyConcurrentCallsShareOneConnectionAndKeepTurnsSingle()
    {
        await using var silo = await TestSilo.StartAsync(postgres, listen: true);
        await using var client = new SiloClient(silo.Endpoint!, Timeout);
        var probe = client.GetGrain<ITurnProbeGrain>(NewKey());

        await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => probe.EnterAsync(yields: 0)));

        Assert.Equal((500, 1), await probe.StatsAsync());
    }

    [Fact]
    public async Task AFailureInTheSiloComesBackAsAnErrorWithItsTypeAndRetriability()
    {
        await using var siloA = await TestSilo.StartAsync(postgres, listen: true);
        await using var siloB = await TestSilo.StartAsync(postgres);
        await using var client = new SiloClient(siloA.Endpoint!, Timeout);
        var key = NewKey();
        await siloB.Grains.GetGrain<ICounterGrain>(key).GetAsync();
        await client.GetGrain<ICounterGrain>(key).AddAsync(1);

        // B's activation read before A's write: its write is fenced, and the caller of A is unaffected.
        await Assert.ThrowsAsync<InconsistentStateException>(() => siloB.Grains.GetGrain<ICounterGrain>(key).AddAsync(1));
        var broken = await Assert.ThrowsAsync<RemoteGrainException>(() => client.GetGrain<IBrokenGrain>(NewKey()).CallAsync());
        var unknown = await Assert.ThrowsAsync<RemoteGrainException>(() => client.GetGrain<IUnimplementedGrain>("x").CallAsync());

        Assert.Equal(typeof(GrainActivationException).FullName, broken.RemoteType);
        Assert.True(broken.IsRetriable);
        Assert.Contains("broken on purpose", broken.Message);
        Assert.Equal(typeof(UnknownGrainTypeException).FullName, unknown.RemoteType);
        Assert.False(unknown.IsRetriable);
    }

    [Fact]
    public async Task AGrainThatBlocksItsThreadHoldsUpNeitherProbesNorOtherCallsOnTheConnection()
    {
        await using var silo = await TestSilo.StartAsync(postgres, listen: true);
        await using var client = new SiloClient(silo.Endpoint!, Timeout);
        var counter = client.GetGrain<ICounterGrain>(NewKey());
        await counter.GetAsync();

        var blocking = client.GetGrain<ITurnProbeGrain>(NewKey()).BlockAsync(3_000);
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await client.PingAsync(TimeSpan.FromMilliseconds(1_000)), "the probe is answered while the grain blocks");
        await counter.GetAsync();
        var elapsed = started.Elapsed;
        await blocking;

        Assert.True(elapsed < TimeSpan.FromMilliseconds(2_000), $"other work on the connection waited {elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task ACallPastTheClientsTimeoutIsAnUnknownOutcome()
    {
        await using var silo = await TestSilo.StartAsync(postgres, listen: true);
        await using var client = new SiloClient(silo.Endpoint!, TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAsync<GrainCallTimeoutException>(() => client.GetGrain<ITurnProbeGrain>(NewKey()).SleepAsync(2_000));
    }

    [Fact]
    public async Task AnInFlightCallFailsAtOnceAsAnUnknownOutcomeWhenTheConnectionDies()
    {
        // A peer that takes the request and hangs up, as a killed silo's socket does.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var hangUp = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptSocketAsync();
            await accepted.ReceiveAsync(new byte[64]);
            accepted.Close();
        });
        await using var client = new SiloClient(listener.LocalEndpoint, TimeSpan.FromSeconds(30));

        var call = client.GetGrain<ICounterGrain>(NewKey()).AddAsync(1);
        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => call.WaitAsync(Timeout));
        await hangUp;

        Assert.False(error.IsRetriable, "a call that reached the silo may have run");
    }

    [Fact]
    public async Task ACallToASiloThatIsNotListeningIsRetriable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = listener.LocalEndpoint;
        listener.Stop();
        await using var client = new SiloClient(endpoint, Timeout);

        var error = await Assert.ThrowsAsync<SiloUnavailableException>(() => client.GetGrain<ICounterGrain>(NewKey()).GetAsync());

        Assert.True(error.IsRetriable, "a call that could not be sent did not run");
    }

    [Fact]
    public async Task AGracefulSiloStopLetsTheRunningCallFinish()
    {
        var silo = await TestSilo.StartAsync(postgres, listen: true);
        await using var client = new SiloClient(silo.Endpoint!, Timeout);
        var key = NewKey();
        await client.GetGrain<ICounterGrain>(key).GetAsync();
        var sleeping = client.GetGrain<ITurnProbeGrain>(key).SleepAsync(500);
        await Eventually.TrueAsync(() => silo.Runtime.IsActive(new GrainId(typeof(ITurnProbeGrain).FullName!, key)), Timeout, "the call reached the silo");

        await silo.DisposeAsync();

        await sleeping;
        var refused = await Assert.ThrowsAsync<SiloUnavailableException>(() => client.GetGrain<ICounterGrain>(key).GetAsync());
        Assert.True(refused.IsRetriable, "after GOAWAY the client sends nothing more to the stopped silo");
    }

    [Fact]
    public async Task ACorruptFrameClosesOnlyThatConnection()
    {
        await using var silo = await TestSilo.StartAsync(postgres, listen: true);
        using (var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await raw.ConnectAsync(silo.Endpoint!);
            await raw.SendAsync(new byte[] { 0xff, 0xff, 0xff, 0x7f, 1, 2, 3 });
            var buffer = new byte[16];
            Assert.Equal(0, await raw.ReceiveAsync(buffer)); // the silo hung up
        }

        await using var client = new SiloClient(silo.Endpoint!, Timeout);
        Assert.Equal(0, await client.GetGrain<ICounterGrain>(NewKey()).GetAsync());
    }
}
