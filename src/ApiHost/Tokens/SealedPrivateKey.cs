using System.Security.Cryptography;
using System.Text;

namespace Tollgate.ApiHost.Tokens;

/// <summary>
/// A signing key's PKCS#8 at rest: AES-256-GCM under HKDF-SHA256(cookie secret, info "tollgate-jwks"), stored as
/// nonce || ciphertext || tag, with the kid as associated data so a sealed key cannot be moved to another row.
/// </summary>
internal static class SealedPrivateKey
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Info = "tollgate-jwks"u8.ToArray();

    public static byte[] Seal(ReadOnlySpan<byte> pkcs8, byte[] secret, string kid)
    {
        var sealedKey = new byte[NonceSize + pkcs8.Length + TagSize];
        var nonce = sealedKey.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(KeyOf(secret), TagSize);
        aes.Encrypt(nonce, pkcs8, sealedKey.AsSpan(NonceSize, pkcs8.Length), sealedKey.AsSpan(NonceSize + pkcs8.Length), Encoding.UTF8.GetBytes(kid));
        return sealedKey;
    }

    /// <summary>The PKCS#8, or null when <paramref name="secret"/> did not seal it (or the row was altered).</summary>
    public static byte[]? TryOpen(byte[] sealedKey, byte[] secret, string kid)
    {
        if (sealedKey.Length <= NonceSize + TagSize)
        {
            return null;
        }

        var pkcs8 = new byte[sealedKey.Length - NonceSize - TagSize];
        using var aes = new AesGcm(KeyOf(secret), TagSize);
        try
        {
            aes.Decrypt(sealedKey.AsSpan(0, NonceSize), sealedKey.AsSpan(NonceSize, pkcs8.Length), sealedKey.AsSpan(NonceSize + pkcs8.Length), pkcs8, Encoding.UTF8.GetBytes(kid));
            return pkcs8;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static byte[] KeyOf(byte[] secret) => HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, salt: [], info: Info);
}
