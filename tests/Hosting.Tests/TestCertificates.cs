using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tollgate.Hosting.Tests;

/// <summary>
/// Real certificates made for a test, written to a temporary folder the way an operator would hand them over: CAs
/// (self-signed, CA basic constraints) and node certificates they issue, as PEM certificate + PEM key or as PKCS#12.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private static readonly OidCollection BothAuthentications = [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")];

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("tollgate-tls-").FullName;

    /// <summary>A self-signed CA; <see cref="Issue"/> signs node certificates with it.</summary>
    public Authority CreateAuthority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Write($"{name}.crt", certificate.ExportCertificatePem());
        return new Authority(certificate, path);
    }

    /// <summary>
    /// A node certificate of <paramref name="authority"/> for server and client authentication (each process is
    /// both), or a self-signed one without an authority, valid from yesterday until <paramref name="notAfter"/>.
    /// </summary>
    public Node Issue(Authority? authority, string name, DateTimeOffset? notAfter = null, OidCollection? usages = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages ?? BothAuthentications, false));
        var builder = new SubjectAlternativeNameBuilder();
        builder.AddDnsName(name);
        builder.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(builder.Build());
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var until = notAfter ?? DateTimeOffset.UtcNow.AddDays(30);
        X509Certificate2 certificate;
        if (authority is null)
        {
            certificate = request.CreateSelfSigned(notBefore, until);
        }
        else
        {
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority.Certificate, true, false));
            var serial = RandomNumberGenerator.GetBytes(16);
            serial[0] &= 0x7F;
            using var issued = request.Create(authority.Certificate, notBefore, until, serial);
            certificate = issued.CopyWithPrivateKey(key);
        }

        var pem = Write($"{name}.crt", certificate.ExportCertificatePem());
        var keyPem = Write($"{name}.key", key.ExportPkcs8PrivateKeyPem());
        var combined = Write($"{name}.pem", certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem());
        var pfx = Path.Combine(Directory, $"{name}.pfx");
        File.WriteAllBytes(pfx, certificate.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, "pfx-password"));
        return new Node(certificate, pem, keyPem, combined, pfx, "pfx-password");
    }

    /// <summary>A file of several PEM certificates, as a CA bundle during a rotation.</summary>
    public string Bundle(string name, params string[] certificatePaths) =>
        Write(name, string.Join("\n", certificatePaths.Select(File.ReadAllText)));

    public string Write(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    public sealed record Authority(X509Certificate2 Certificate, string CertificatePath);

    /// <summary>A node certificate and its files: <see cref="CertificatePath"/> + <see cref="KeyPath"/>, both in <see cref="PemPath"/>, or <see cref="PfxPath"/>.</summary>
    public sealed record Node(X509Certificate2 Certificate, string CertificatePath, string KeyPath, string PemPath, string PfxPath, string PfxPassword)
    {
        /// <summary>The <c>Cluster:Tls</c> settings of this certificate (PEM + key) trusting <paramref name="caPaths"/>.</summary>
        public Dictionary<string, string?> Settings(params string[] caPaths)
        {
            var settings = new Dictionary<string, string?>
            {
                ["Cluster:Tls:CertificatePath"] = CertificatePath,
                ["Cluster:Tls:KeyPath"] = KeyPath,
            };
            for (var i = 0; i < caPaths.Length; i++)
            {
                settings[$"Cluster:Tls:CaPaths:{i}"] = caPaths[i];
            }

            return settings;
        }
    }
}
