using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Grains.ApiKeys;

/// <summary>
/// API keys: <c>tg_</c> + 256 random bits in base64url. Only SHA-256(key) is stored; the key id is the first
/// 128 bits of that hash, so a presented key leads straight to its grain, as session tokens do.
/// </summary>
public static class ApiKeyTokens
{
    public const string Prefix = "tg_";
    public const int KeyLength = 46;
    public const int StartLength = 8;

    public static string Create() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// Whether a bearer credential is meant as an API key: it starts with the prefix and is not shaped like a session
    /// token. A session token is 43 base64url characters, so one in 262,144 begins with <c>tg_</c> too; length tells them apart.
    /// </summary>
    public static bool LooksLikeKey(string value) =>
        value.StartsWith(Prefix, StringComparison.Ordinal) && value.Length != Identity.SessionTokens.TokenLength;

    public static bool IsWellFormed(string key) =>
        key.Length == KeyLength && LooksLikeKey(key) && Base64Url.IsValid(key.AsSpan(Prefix.Length), out var length) && length == 32;

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.ASCII.GetBytes(key));

    public static string KeyIdOf(byte[] keyHash) => Base64Url.EncodeToString(keyHash.AsSpan(0, 16));
}
