using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Connections.Security;

namespace Tollgate.Hosting;

/// <summary>
/// The loaded <see cref="ClusterTlsSettings"/>: this process's certificate and the certificates its peers' must chain
/// to, checked once at start-up so that a wrong path, a missing key or a certificate its own cluster would refuse is a
/// clear error rather than a cluster whose connections fail one handshake at a time.
/// </summary>
public sealed partial class ClusterTls
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private readonly X509Certificate2Collection _trusted;
    private readonly TimeProvider _time;
    private ILogger? _logger;

    private ClusterTls(X509Certificate2 certificate, X509Certificate2Collection trusted, TimeSpan handshakeTimeout, TimeProvider time)
    {
        Certificate = certificate;
        _trusted = trusted;
        HandshakeTimeout = handshakeTimeout;
        _time = time;
    }

    /// <summary>This process's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificates a peer's certificate must be, or chain to.</summary>
    public IReadOnlyList<X509Certificate2> Trusted => [.. _trusted];

    public TimeSpan HandshakeTimeout { get; }

    /// <summary>
    /// The TLS of <c>Cluster:Tls</c> in <paramref name="configuration"/>, or null when it is not configured. Throws
    /// <see cref="OptionsValidationException"/> naming the setting at fault.
    /// </summary>
    public static ClusterTls? FromConfiguration(IConfiguration configuration, TimeProvider? time = null)
    {
        var section = configuration.GetSection(ClusterTlsSettings.Section);
        var settings = section.Get<ClusterTlsSettings>() ?? new ClusterTlsSettings();
        settings.CaPaths = ConfigurationLists.WithPlainValue(configuration, $"{ClusterTlsSettings.Section}:{nameof(ClusterTlsSettings.CaPaths)}", settings.CaPaths);
        if (settings.Enabled)
        {
            return Load(settings, time ?? TimeProvider.System);
        }

        // Trust settings without a certificate would silently leave the ports open: say so instead.
        var stray = section.AsEnumerable(makePathsRelative: true).Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => p.Key).Order().ToList();
        return stray.Count == 0 ? null : throw Invalid($"{string.Join(", ", stray.Select(k => $"{ClusterTlsSettings.Section}:{k}"))} set without {Key(nameof(ClusterTlsSettings.CertificatePath))}: TLS needs this process's certificate.");
    }

    /// <summary>Loads and checks <paramref name="settings"/> (which must have a certificate).</summary>
    public static ClusterTls Load(ClusterTlsSettings settings, TimeProvider time)
    {
        if (settings.HandshakeTimeout <= TimeSpan.Zero)
        {
            throw Invalid($"{Key(nameof(ClusterTlsSettings.HandshakeTimeout))} must be positive.");
        }

        var certificate = LoadCertificate(settings);
        var trusted = new X509Certificate2Collection();
        foreach (var path in settings.CaPaths.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            trusted.AddRange(LoadTrusted(path));
        }

        if (trusted.Count == 0)
        {
            // No CA configured: the cluster shares this (self-signed) certificate, and only it is let in.
            trusted.Add(X509CertificateLoader.LoadCertificate(certificate.RawData));
        }

        var tls = new ClusterTls(certificate, trusted, settings.HandshakeTimeout, time);
        if (!tls.IsTrusted(certificate, presented: null, out var reason))
        {
            throw Invalid($"{Key(nameof(ClusterTlsSettings.CertificatePath))} ({Describe(certificate)}) is not issued by any certificate of " +
                $"{Key(nameof(ClusterTlsSettings.CaPaths))} ({reason}): every peer would refuse this process.");
        }

        return tls;
    }

    /// <summary>
    /// Mutual TLS the Orleans way: this certificate on both ends of every connection, a certificate required from the
    /// peer in both directions, and the peer judged by <see cref="IsTrusted"/> alone. The operating system's trust
    /// store and host names play no part: silos are dialled by the address they wrote in the membership table (a pod
    /// IP), and being a member means holding a certificate of the cluster's CA.
    /// </summary>
    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (peer, chain, _) => Accepts(peer, chain);
        options.HandshakeTimeout = HandshakeTimeout;
    }

    /// <summary>Where refused peers are logged (Orleans itself logs only that a handshake failed).</summary>
    public void UseLogger(ILoggerFactory loggerFactory) => _logger ??= loggerFactory.CreateLogger<ClusterTls>();

    /// <summary>
    /// Whether <paramref name="peer"/> is one of the trusted certificates or chains to one of them, at the current
    /// time; <paramref name="presented"/>: the chain the peer sent (its intermediates help, they are never trusted).
    /// </summary>
    public bool IsTrusted(X509Certificate2 peer, X509Chain? presented, out string reason)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (now < peer.NotBefore.ToUniversalTime() || now > peer.NotAfter.ToUniversalTime())
        {
            reason = $"valid only from {peer.NotBefore.ToUniversalTime():u} to {peer.NotAfter.ToUniversalTime():u}";
            return false;
        }

        if (_trusted.Any(t => t.RawDataMemory.Span.SequenceEqual(peer.RawDataMemory.Span)))
        {
            reason = "pinned";
            return true;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now;
        foreach (var element in presented?.ChainElements.Skip(1) ?? [])
        {
            chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }

        if (chain.Build(peer))
        {
            reason = "issued by " + chain.ChainElements[^1].Certificate.Subject;
            return true;
        }

        var problems = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct().ToList();
        reason = problems.Count > 0 ? string.Join("; ", problems) : "no chain to a trusted certificate";
        return false;
    }

    private bool Accepts(X509Certificate2 peer, X509Chain? presented)
    {
        if (IsTrusted(peer, presented, out var reason))
        {
            return true;
        }

        if (_logger is { } logger)
        {
            LogRefused(logger, Describe(peer), reason);
        }

        return false;
    }

    private static X509Certificate2 LoadCertificate(ClusterTlsSettings settings)
    {
        var path = Existing(settings.CertificatePath!, nameof(ClusterTlsSettings.CertificatePath));
        var keyPath = settings.KeyPath is { Length: > 0 } key ? Existing(key, nameof(ClusterTlsSettings.KeyPath)) : null;
        X509Certificate2 certificate;
        try
        {
            if (IsPem(path))
            {
                certificate = string.IsNullOrEmpty(settings.CertificatePassword)
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, settings.CertificatePassword, keyPath);
            }
            else
            {
                if (keyPath is not null)
                {
                    throw Invalid($"{Key(nameof(ClusterTlsSettings.KeyPath))} is only for a PEM certificate; {path} is PKCS#12, which holds its key.");
                }

                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, settings.CertificatePassword);
            }
        }
        catch (CryptographicException exception) when (exception.Message.Contains("private key", StringComparison.OrdinalIgnoreCase) || exception.Message.Contains("PEM", StringComparison.OrdinalIgnoreCase))
        {
            // CreateFromPemFile finds no key: say where one may be given.
            throw Invalid($"{Key(nameof(ClusterTlsSettings.CertificatePath))} ({path}) has no usable private key{(keyPath is null ? "" : $" with {keyPath}")}: " +
                $"put the key in the file or name its file in {Key(nameof(ClusterTlsSettings.KeyPath))} ({exception.Message})");
        }
        catch (CryptographicException exception)
        {
            throw Invalid($"{Key(nameof(ClusterTlsSettings.CertificatePath))} ({path}) could not be read as a PKCS#12 or PEM certificate " +
                $"(a wrong {Key(nameof(ClusterTlsSettings.CertificatePassword))}?): {exception.Message}");
        }

        if (!certificate.HasPrivateKey)
        {
            throw Invalid($"{Key(nameof(ClusterTlsSettings.CertificatePath))} ({path}) has no private key: a PKCS#12 file must include it, " +
                $"a PEM certificate needs it in the same file or in {Key(nameof(ClusterTlsSettings.KeyPath))}.");
        }

        if (certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SingleOrDefault() is { } usage)
        {
            var usages = usage.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToHashSet();
            if (!usages.Contains(ServerAuthentication) || !usages.Contains(ClientAuthentication))
            {
                throw Invalid($"{Key(nameof(ClusterTlsSettings.CertificatePath))} ({Describe(certificate)}) must allow both server and client " +
                    "authentication (Extended Key Usage serverAuth and clientAuth): each process both accepts and opens connections.");
            }
        }

        return certificate;
    }

    private static X509Certificate2Collection LoadTrusted(string path)
    {
        Existing(path, nameof(ClusterTlsSettings.CaPaths));
        var certificates = new X509Certificate2Collection();
        try
        {
            if (IsPem(path))
            {
                certificates.ImportFromPemFile(path);
            }
            else
            {
                certificates.Add(X509CertificateLoader.LoadCertificateFromFile(path));
            }
        }
        catch (CryptographicException exception)
        {
            throw Invalid($"{Key(nameof(ClusterTlsSettings.CaPaths))}: {path} could not be read as PEM or DER certificates: {exception.Message}");
        }

        return certificates.Count > 0 ? certificates : throw Invalid($"{Key(nameof(ClusterTlsSettings.CaPaths))}: {path} holds no certificate.");
    }

    private static string Existing(string path, string setting) =>
        File.Exists(path) ? path : throw Invalid($"{Key(setting)}: {path} does not exist{(Directory.Exists(path) ? " as a file (it is a directory)" : "")}.");

    private static bool IsPem(string path)
    {
        using var reader = new StreamReader(path);
        var buffer = new char[4096];
        var read = reader.ReadBlock(buffer, 0, buffer.Length);
        return new string(buffer, 0, read).Contains("-----BEGIN ", StringComparison.Ordinal);
    }

    private static string Describe(X509Certificate2 certificate) => $"{certificate.Subject}, thumbprint {certificate.Thumbprint}";

    private static string Key(string property) => $"{ClusterTlsSettings.Section}:{property}";

    private static OptionsValidationException Invalid(string message) =>
        new(ClusterTlsSettings.Section, typeof(ClusterTlsSettings), [message]);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a cluster connection: the peer's certificate ({Certificate}) is not trusted ({Reason}).")]
    private static partial void LogRefused(ILogger logger, string certificate, string reason);
}
