using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Grains.Identity;

/// <summary>
/// Session tokens: 256 random bits, base64url (43 characters). Only SHA-256(token) is stored; the session id is
/// the first 128 bits of that hash, so a presented token leads straight to its session grain without an index,
/// and the id (which clients and admins see) cannot be turned back into a token.
/// </summary>
public static class SessionTokens
{
    public const int TokenLength = 43;

    public static string Create() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether <paramref name="token"/> has the shape of a token (length and alphabet), before any hashing.</summary>
    public static bool IsWellFormed(string token) =>
        token.Length == TokenLength && Base64Url.IsValid(token, out var length) && length == 32;

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));

    public static string SessionIdOf(byte[] tokenHash) => Base64Url.EncodeToString(tokenHash.AsSpan(0, 16));
}
