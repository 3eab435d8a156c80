using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tollgate.Hosting.Tests.Grains;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.Hosting.Tests;

/// <summary>
/// Mutual TLS on real sockets on 127.0.0.1: silos built by <see cref="TollgateOrleans.AddTollgateSilo"/> and clients by
/// <see cref="TollgateOrleans.AddTollgateClient"/>, in this process, in a cluster of their own in the test PostgreSQL,
/// with certificates made for the test. Every refusal is bounded, checked against the refusing side's log (so a silo
/// that is merely unreachable cannot pass for one that refused), and followed by a client with the right certificate
/// calling through the same silo.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterTlsConnectionTests(PostgresFixture postgres) : IAsyncLifetime
{
    /// <summary>How long a refused client or silo may keep trying before the test calls it refused.</summary>
    private static readonly TimeSpan Refusal = TimeSpan.FromSeconds(15);

    private readonly TestCertificates _files = new();
    private readonly List<IHost> _hosts = [];
    private readonly string _clusterId = "tls-" + Guid.NewGuid().ToString("N")[..12];
    private TestCertificates.Authority _ca = null!;
    private TestCertificates.Authority _otherCa = null!;

    public Task InitializeAsync()
    {
        _ca = _files.CreateAuthority("cluster-ca");
        _otherCa = _files.CreateAuthority("other-ca");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await host.StopAsync(deadline.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or OrleansException or InvalidOperationException)
            {
                // A host whose start was refused may not stop cleanly; it is disposed all the same.
            }

            host.Dispose();
        }

        _files.Dispose();
    }

    [Fact]
    public async Task AClientWithACertificateOfTheClusterCaCallsAGrainThroughTheTlsGateway()
    {
        var siloLog = new LogCollector();
        await StartSiloAsync(_files.Issue(_ca, "silo-1").Settings(_ca.CertificatePath), siloLog);

        var client = await StartClientAsync(_files.Issue(_ca, "apihost-1").Settings(_ca.CertificatePath));

        Assert.False(string.IsNullOrEmpty(await client.GetGrain<IPingGrain>("tls").WhereAsync()));
        Assert.DoesNotContain(siloLog.Entries, e => e.Category.Contains("Tls", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AClientWithoutTlsCannotConnectAndTheSiloSaysTheHandshakeFailed()
    {
        var siloLog = new LogCollector();
        var silo = await StartSiloAsync(_files.Issue(_ca, "silo-1").Settings(_ca.CertificatePath), siloLog);

        var refused = await AssertRefusedAsync(new Dictionary<string, string?>());

        Assert.True(siloLog.Contains("TlsServerConnectionMiddleware", "Authentication failed"), $"The silo did not refuse a handshake:\n{siloLog}");
        Assert.NotNull(refused);
        await AssertTheRightClientGetsThroughAsync(silo);
    }

    [Fact]
    public async Task ATlsClientWithoutACertificateIsCutOffBeforeOrleansReadsAByte()
    {
        var silo = await StartSiloAsync(_files.Issue(_ca, "silo-1").Settings(_ca.CertificatePath), new LogCollector());
        var gateway = silo.Services.GetRequiredService<ILocalSiloDetails>().GatewayAddress!.Endpoint;

        // TLS 1.3 finishes the client's side of the handshake before the server has judged its (absent) certificate:
        // the server's refusal arrives as an alert or a closed connection on the first read.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        using var deadline = new CancellationTokenSource(Refusal);
        var outcome = await Record.ExceptionAsync(async () =>
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "silo" }, deadline.Token);
            var read = await tls.ReadAsync(new byte[1], deadline.Token);
            Assert.Equal(0, read);
        });

        Assert.False(deadline.IsCancellationRequested, "The gateway kept a connection without a client certificate open.");
        Assert.True(outcome is null or System.Security.Authentication.AuthenticationException or IOException, $"Unexpected: {outcome}");
    }

    [Fact]
    public async Task AClientWithACertificateOfAnotherCaIsRefusedByTheSilo()
    {
        var siloLog = new LogCollector();
        var silo = await StartSiloAsync(_files.Issue(_ca, "silo-1").Settings(_ca.CertificatePath), siloLog);
        // The intruder trusts the cluster's CA (it is no secret) and presents a certificate of its own CA.
        var intruder = _files.Issue(_otherCa, "intruder");

        await AssertRefusedAsync(intruder.Settings(_ca.CertificatePath, _otherCa.CertificatePath));

        Assert.True(siloLog.Contains(nameof(ClusterTls), intruder.Certificate.Thumbprint), $"The silo did not log refusing the intruder's certificate:\n{siloLog}");
        await AssertTheRightClientGetsThroughAsync(silo);
    }

    [Fact]
    public async Task AClientRefusesASiloWhoseCertificateAnotherCaIssued()
    {
        var impostor = _files.Issue(_otherCa, "impostor");
        await StartSiloAsync(impostor.Settings(_otherCa.CertificatePath), new LogCollector());
        var clientLog = new LogCollector();

        await AssertRefusedAsync(_files.Issue(_ca, "apihost-1").Settings(_ca.CertificatePath), clientLog);

        Assert.True(clientLog.Contains(nameof(ClusterTls), impostor.Certificate.Thumbprint), $"The client did not log refusing the silo's certificate:\n{clientLog}");
    }

    [Fact]
    public async Task SilosOfTheClusterCaFormOneClusterAndASiloOfAnotherCaCannotJoinIt()
    {
        var firstLog = new LogCollector();
        var first = await StartSiloAsync(_files.Issue(_ca, "silo-1").Settings(_ca.CertificatePath), firstLog, ("Cluster:Placement", "Random"));
        var second = await StartSiloAsync(_files.Issue(_ca, "silo-2").Settings(_ca.CertificatePath), new LogCollector(), ("Cluster:Placement", "Random"));
        var client = await StartClientAsync(_files.Issue(_ca, "apihost-1").Settings(_ca.CertificatePath));

        // Random placement over 40 grains: both silos host some, so calls and directory traffic crossed silo to silo.
        var where = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => client.GetGrain<IPingGrain>($"spread-{i}").WhereAsync()));
        Assert.Equal(
            new[] { first, second }.Select(s => s.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString()).Order(),
            where.Distinct().Order());

        // The rogue trusts the cluster's CA too, so only the cluster's side can keep it out. The cluster soon declares
        // the joining rogue dead; in-process, Orleans' answer to that (Environment.FailFast) is recorded, not obeyed.
        var rogue = _files.Issue(_otherCa, "rogue");
        var rogueFatal = new RecordingFatalErrorHandler();
        var watch = Stopwatch.StartNew();
        Exception? started;
        using (var deadline = new CancellationTokenSource(Refusal))
        {
            started = await Record.ExceptionAsync(() => StartSiloAsync(rogue.Settings(_ca.CertificatePath, _otherCa.CertificatePath), new LogCollector(), deadline.Token, rogueFatal));
        }

        // It never gets past checking that it can reach every active silo (Orleans' ValidateInitialConnectivity).
        Assert.NotNull(started);
        Assert.True(watch.Elapsed < 2 * Refusal, $"Refusing the rogue silo took {watch.Elapsed}.");
        Assert.True(firstLog.Contains(nameof(ClusterTls), rogue.Certificate.Thumbprint), $"The first silo did not log refusing the rogue silo:\n{firstLog}");
        Assert.Equal(0L, await postgres.ScalarAsync<long>(
            "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = $1 AND status = 3 AND siloname = 'rogue'", _clusterId));
        Assert.Equal(2L, await postgres.ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = $1 AND status = 3", _clusterId));
        Assert.False(string.IsNullOrEmpty(await client.GetGrain<IPingGrain>("after-rogue").WhereAsync()));
    }

    [Fact]
    public async Task ASiloWhoseCertificateIsMissingDoesNotStartAndOpensNoPort()
    {
        var missing = Path.Combine(_files.Directory, "missing.pfx");
        var siloPort = HostProcess.FreePort();
        var builder = NewBuilder(new() { ["Cluster:Tls:CertificatePath"] = missing }, new LogCollector(), [("Silo:Port", $"{siloPort}"), ("Silo:GatewayPort", $"{HostProcess.FreePort()}")]);
        builder.AddTollgateSilo(_ => { }, embedded: false);
        var host = builder.Build();
        _hosts.Add(host);

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());

        Assert.Equal($"Cluster:Tls:CertificatePath: {missing} does not exist.", error.Message);
        using var probe = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(System.Net.IPAddress.Loopback, siloPort));
    }

    [Fact]
    public async Task ASiloProcessWithACertificateWithoutItsKeyExitsWithAMessageNamingTheSetting()
    {
        var node = _files.Issue(_ca, "silo-1");
        await using var silo = SiloProcess.Start(postgres.ConnectionString, _clusterId, "admin@example.com", out _, out _, new Dictionary<string, string>
        {
            ["Cluster__Tls__CertificatePath"] = node.CertificatePath,
            ["Cluster__Tls__CaPaths"] = _ca.CertificatePath,
        });

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        // The host's own "Hosting failed to start" log comes first; the process's last word says what to fix.
        Assert.Contains(silo.Output.Split('\n'), line => line.StartsWith(
            $"Tollgate could not start: Cluster:Tls:CertificatePath ({node.CertificatePath}) has no usable private key", StringComparison.Ordinal));
    }

    private Task<IHost> StartSiloAsync(Dictionary<string, string?> tls, LogCollector log, params (string Key, string Value)[] settings) =>
        StartSiloAsync(tls, log, CancellationToken.None, new RecordingFatalErrorHandler(), settings);

    private Task<IHost> StartSiloAsync(
        Dictionary<string, string?> tls, LogCollector log, CancellationToken cancellationToken, RecordingFatalErrorHandler fatal, params (string Key, string Value)[] settings)
    {
        var name = Path.GetFileNameWithoutExtension(tls.GetValueOrDefault("Cluster:Tls:CertificatePath")) ?? "silo";
        var builder = NewBuilder(tls, log, [("Silo:Port", $"{HostProcess.FreePort()}"), ("Silo:GatewayPort", $"{HostProcess.FreePort()}"), ("Silo:Name", name), .. settings]);
        builder.AddTollgateSilo(_ => { }, embedded: false);
        builder.Services.Replace(ServiceDescriptor.Singleton<IFatalErrorHandler>(fatal));
        return StartAsync(builder, cancellationToken);
    }

    private async Task<IClusterClient> StartClientAsync(Dictionary<string, string?> tls, LogCollector? log = null)
    {
        var builder = NewBuilder(tls, log ?? new LogCollector(), []);
        builder.AddTollgateClient();
        return (await StartAsync(builder, CancellationToken.None)).Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>
    /// A client of <paramref name="tls"/> does not get connected within <see cref="Refusal"/> (it would retry until
    /// stopped), and no grain call gets through it.
    /// </summary>
    private async Task<Exception> AssertRefusedAsync(Dictionary<string, string?> tls, LogCollector? log = null)
    {
        var builder = NewBuilder(tls, log ?? new LogCollector(), []);
        builder.AddTollgateClient();
        var host = builder.Build();
        _hosts.Add(host);
        var watch = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(Refusal);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(deadline.Token));

        Assert.True(watch.Elapsed < Refusal + TimeSpan.FromSeconds(10), $"Refusing the client took {watch.Elapsed}.");
        using var call = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAnyAsync<Exception>(() => host.Services.GetRequiredService<IClusterClient>().GetGrain<IPingGrain>("refused").WhereAsync().WaitAsync(call.Token));
        return refused;
    }

    private async Task AssertTheRightClientGetsThroughAsync(IHost silo)
    {
        var client = await StartClientAsync(_files.Issue(_ca, "apihost-ok").Settings(_ca.CertificatePath));
        var expected = silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();
        Assert.Equal(expected, await client.GetGrain<IPingGrain>("ok").WhereAsync());
    }

    private HostApplicationBuilder NewBuilder(Dictionary<string, string?> tls, LogCollector log, (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        var configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Tollgate"] = postgres.ConnectionString,
            ["Cluster:ClusterId"] = _clusterId,
            ["Cluster:RefreshPeriod"] = "00:00:00.500",
        };
        foreach (var (key, value) in tls.Select(p => (p.Key, p.Value)).Concat(settings.Select(s => (s.Key, (string?)s.Value))))
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(log);
        return builder;
    }

    private async Task<IHost> StartAsync(HostApplicationBuilder builder, CancellationToken cancellationToken)
    {
        var host = builder.Build();
        _hosts.Add(host);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        await host.StartAsync(deadline.Token);
        return host;
    }

    /// <summary>Orleans' fatal errors (a silo told it is dead) kept for the test, not <c>Environment.FailFast</c>.</summary>
    private sealed class RecordingFatalErrorHandler : IFatalErrorHandler
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _errors = new();

        public IReadOnlyList<string> Errors => [.. _errors];

        public bool IsUnexpected(Exception exception) => exception is not ThreadAbortException;

        public void OnFatalException(object? sender, string? context, Exception? exception) => _errors.Enqueue($"{context} {exception?.Message}");
    }
}
