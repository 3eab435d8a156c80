namespace Tollgate.Hosting;

/// <summary>
/// Mutual TLS on the silo-to-silo and gateway ports (configuration section <c>Cluster:Tls</c>). Without
/// <see cref="CertificatePath"/> TLS is off: right for the embedded single-node default, whose ports only its own
/// process dials. With it, every silo and cluster client presents this certificate and accepts a peer only if the
/// peer's certificate is issued by (or is) one of <see cref="CaPaths"/>, so knowing where a silo listens is no longer
/// enough to call its grains.
/// </summary>
public sealed class ClusterTlsSettings
{
    public const string Section = "Cluster:Tls";

    /// <summary>
    /// This process's certificate: a PKCS#12 file (.pfx/.p12, with its key) or a PEM file (the certificate, and its
    /// key unless <see cref="KeyPath"/> names another file). Used both as the server certificate of the silo's ports
    /// and as the client certificate when dialling one, so an Extended Key Usage, if present, must allow both.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="CertificatePath"/>, when it is not in that file.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of a PKCS#12 <see cref="CertificatePath"/>, or of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Files (PEM, each may hold several certificates, or DER) of the CA certificates, or self-signed certificates,
    /// that a peer's certificate must chain to. Several at once is how a new CA or certificate is rolled out before the
    /// old one is removed. Empty: only <see cref="CertificatePath"/>'s own certificate is trusted (a cluster sharing one
    /// self-signed certificate). One plain value (<c>Cluster__Tls__CaPaths=/etc/tollgate/tls/ca.crt</c>) counts too.
    /// </summary>
    public string[] CaPaths { get; set; } = [];

    /// <summary>How long a TLS handshake may take before the connection is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether TLS is configured at all.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);
}
