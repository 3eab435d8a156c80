using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Xunit;

namespace Tollgate.Hosting.Tests;

/// <summary>
/// <c>Cluster:Tls</c> read and checked at start-up: off when absent, every way of giving a certificate, a clear error
/// for each mistake, and the peer check that decides who joins — a certificate of a trusted CA, never another CA's,
/// and both during a rotation.
/// </summary>
public sealed class ClusterTlsTests : IDisposable
{
    private readonly TestCertificates _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void WithoutSettingsTlsIsOff() => Assert.Null(ClusterTls.FromConfiguration(Configuration([])));

    [Fact]
    public void TrustSettingsWithoutACertificateAreAnErrorNotAnOpenPort()
    {
        var ca = _files.CreateAuthority("ca");

        var error = Assert.Throws<OptionsValidationException>(() => ClusterTls.FromConfiguration(Configuration(new() { ["Cluster:Tls:CaPaths:0"] = ca.CertificatePath })));

        Assert.Contains("Cluster:Tls:CaPaths:0 set without Cluster:Tls:CertificatePath", error.Message);
    }

    [Fact]
    public void APemCertificateWithItsKeyInAnotherFileInTheSameFileOrAPfxAllLoad()
    {
        var ca = _files.CreateAuthority("ca");
        var node = _files.Issue(ca, "node");

        var separate = Load(node.Settings(ca.CertificatePath));
        var combined = Load(new() { ["Cluster:Tls:CertificatePath"] = node.PemPath, ["Cluster:Tls:CaPaths"] = ca.CertificatePath });
        var pfx = Load(new()
        {
            ["Cluster:Tls:CertificatePath"] = node.PfxPath, ["Cluster:Tls:CertificatePassword"] = node.PfxPassword, ["Cluster:Tls:CaPaths:0"] = ca.CertificatePath,
        });

        foreach (var tls in new[] { separate, combined, pfx })
        {
            Assert.Equal(node.Certificate.Thumbprint, tls.Certificate.Thumbprint);
            Assert.True(tls.Certificate.HasPrivateKey);
            Assert.Equal([ca.Certificate.Thumbprint], tls.Trusted.Select(t => t.Thumbprint));
        }
    }

    [Fact]
    public void AMissingFileIsNamedWithItsSetting()
    {
        var ca = _files.CreateAuthority("ca");
        var node = _files.Issue(ca, "node");
        var missing = Path.Combine(_files.Directory, "nowhere.crt");

        var certificate = Assert.Throws<OptionsValidationException>(() => Load(new() { ["Cluster:Tls:CertificatePath"] = missing }));
        var key = Assert.Throws<OptionsValidationException>(() => Load(new() { ["Cluster:Tls:CertificatePath"] = node.CertificatePath, ["Cluster:Tls:KeyPath"] = missing }));
        var trusted = Assert.Throws<OptionsValidationException>(() => Load(node.Settings(ca.CertificatePath, missing)));

        Assert.Equal($"Cluster:Tls:CertificatePath: {missing} does not exist.", certificate.Message);
        Assert.Equal($"Cluster:Tls:KeyPath: {missing} does not exist.", key.Message);
        Assert.Equal($"Cluster:Tls:CaPaths: {missing} does not exist.", trusted.Message);
    }

    [Fact]
    public void ACertificateWithoutAPrivateKeyIsRefused()
    {
        var ca = _files.CreateAuthority("ca");
        var node = _files.Issue(ca, "node");
        var certificateOnlyPfx = Path.Combine(_files.Directory, "public.pfx");
        File.WriteAllBytes(certificateOnlyPfx, X509CertificateLoader.LoadCertificate(node.Certificate.RawData).Export(X509ContentType.Pkcs12));

        var pem = Assert.Throws<OptionsValidationException>(() => Load(new() { ["Cluster:Tls:CertificatePath"] = node.CertificatePath }));
        var pfx = Assert.Throws<OptionsValidationException>(() => Load(new() { ["Cluster:Tls:CertificatePath"] = certificateOnlyPfx }));

        Assert.Contains("Cluster:Tls:CertificatePath", pem.Message);
        Assert.Contains("private key", pem.Message);
        Assert.Contains("Cluster:Tls:KeyPath", pem.Message);
        Assert.Contains($"({certificateOnlyPfx}) has no private key", pfx.Message);
    }

    [Fact]
    public void AWrongPfxPasswordOrAFileThatIsNoCertificateSaysSo()
    {
        var node = _files.Issue(null, "node");
        var garbage = _files.Write("garbage.crt", "not a certificate");

        var password = Assert.Throws<OptionsValidationException>(() => Load(new() { ["Cluster:Tls:CertificatePath"] = node.PfxPath, ["Cluster:Tls:CertificatePassword"] = "wrong" }));
        var notCertificates = Assert.Throws<OptionsValidationException>(() => Load(new() { ["Cluster:Tls:CertificatePath"] = node.PemPath, ["Cluster:Tls:CaPaths:0"] = garbage }));

        Assert.Contains("could not be read as a PKCS#12 or PEM certificate", password.Message);
        Assert.Contains("Cluster:Tls:CertificatePassword", password.Message);
        Assert.Contains($"{garbage} could not be read as PEM or DER certificates", notCertificates.Message);
    }

    [Fact]
    public void ACertificateForServersOnlyIsRefusedBecauseEveryProcessAlsoDials()
    {
        var ca = _files.CreateAuthority("ca");
        var node = _files.Issue(ca, "server-only", usages: [new Oid("1.3.6.1.5.5.7.3.1")]);

        var error = Assert.Throws<OptionsValidationException>(() => Load(node.Settings(ca.CertificatePath)));

        Assert.Contains("must allow both server and client authentication", error.Message);
    }

    [Fact]
    public void ACertificateItsOwnTrustedCasDidNotIssueIsRefusedAtStartNotAtEveryHandshake()
    {
        var ours = _files.CreateAuthority("ours");
        var theirs = _files.CreateAuthority("theirs");
        var node = _files.Issue(theirs, "node");

        var error = Assert.Throws<OptionsValidationException>(() => Load(node.Settings(ours.CertificatePath)));

        Assert.Contains("is not issued by any certificate of Cluster:Tls:CaPaths", error.Message);
        Assert.Contains(node.Certificate.Thumbprint, error.Message);
    }

    [Fact]
    public void AnExpiredCertificateIsRefusedAtStart()
    {
        var ca = _files.CreateAuthority("ca");
        var node = _files.Issue(ca, "node", notAfter: DateTimeOffset.UtcNow.AddHours(-1));

        var error = Assert.Throws<OptionsValidationException>(() => Load(node.Settings(ca.CertificatePath)));

        Assert.Contains("valid only from", error.Message);
    }

    [Fact]
    public void PeersOfTheTrustedCaAreAcceptedAndOthersRefused()
    {
        var ca = _files.CreateAuthority("ca");
        var other = _files.CreateAuthority("other");
        var tls = Load(_files.Issue(ca, "node-a").Settings(ca.CertificatePath));

        Assert.True(tls.IsTrusted(_files.Issue(ca, "node-b").Certificate, null, out var accepted), accepted);
        Assert.False(tls.IsTrusted(_files.Issue(other, "intruder").Certificate, null, out _));
        Assert.False(tls.IsTrusted(_files.Issue(null, "self-signed").Certificate, null, out _));
        Assert.False(tls.IsTrusted(_files.Issue(ca, "expired", notAfter: DateTimeOffset.UtcNow.AddMinutes(-5)).Certificate, null, out var expired));
        Assert.Contains("valid only from", expired);
    }

    [Fact]
    public void WithoutCasOnlyTheSharedSelfSignedCertificateIsLetIn()
    {
        var shared = _files.Issue(null, "shared");
        var tls = Load(new() { ["Cluster:Tls:CertificatePath"] = shared.PfxPath, ["Cluster:Tls:CertificatePassword"] = shared.PfxPassword });

        Assert.True(tls.IsTrusted(X509CertificateLoader.LoadCertificate(shared.Certificate.RawData), null, out _));
        Assert.False(tls.IsTrusted(_files.Issue(null, "another-self-signed").Certificate, null, out _));
    }

    [Fact]
    public void DuringARotationBothCasAreTrustedAndAfterItOnlyTheNewOne()
    {
        var old = _files.CreateAuthority("ca-2025");
        var next = _files.CreateAuthority("ca-2026");
        var oldNode = _files.Issue(old, "old-node");
        var newNode = _files.Issue(next, "new-node");

        // Step 1: every process trusts both (one bundle, or two paths), still presenting the old certificate.
        var bundle = _files.Bundle("bundle.crt", old.CertificatePath, next.CertificatePath);
        var step1 = Load(oldNode.Settings(bundle));
        var step1Paths = Load(new() { ["Cluster:Tls:CertificatePath"] = oldNode.PemPath, ["Cluster:Tls:CaPaths:0"] = old.CertificatePath, ["Cluster:Tls:CaPaths:1"] = next.CertificatePath });
        // Step 2: processes switch to the new certificate, one by one, still trusting both.
        var step2 = Load(newNode.Settings(bundle));
        // Step 3: the old CA is removed.
        var step3 = Load(newNode.Settings(next.CertificatePath));

        foreach (var tls in new[] { step1, step1Paths, step2 })
        {
            Assert.True(tls.IsTrusted(oldNode.Certificate, null, out _));
            Assert.True(tls.IsTrusted(newNode.Certificate, null, out _));
        }

        Assert.Equal(2, step1.Trusted.Count);
        Assert.True(step3.IsTrusted(newNode.Certificate, null, out _));
        Assert.False(step3.IsTrusted(oldNode.Certificate, null, out _));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private static ClusterTls Load(Dictionary<string, string?> settings) =>
        ClusterTls.FromConfiguration(Configuration(settings)) ?? throw new InvalidOperationException("TLS is off.");
}
