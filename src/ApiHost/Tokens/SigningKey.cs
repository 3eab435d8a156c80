using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tollgate.ApiHost.Tokens;

/// <summary>The ES256 key this host signs JWTs with, loaded once per process by <see cref="JwksStore"/>.</summary>
public sealed class SigningKey
{
    public const string Algorithm = "ES256";

    private readonly ECDsa _key;
    private readonly string _header;

    public SigningKey(string kid, ECDsa key)
    {
        Kid = kid;
        _key = key;
        _header = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new { alg = Algorithm, typ = "JWT", kid }));
    }

    public string Kid { get; }

    /// <summary>A compact JWS of <paramref name="payload"/> (JSON); the signature is r || s, as JWS wants it.</summary>
    public string Sign(ReadOnlySpan<byte> payload)
    {
        var signingInput = _header + "." + Base64Url.EncodeToString(payload);
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
