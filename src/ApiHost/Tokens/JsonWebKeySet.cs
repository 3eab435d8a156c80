using System.Buffers.Text;
using System.Security.Cryptography;

namespace Tollgate.ApiHost.Tokens;

/// <summary>GET /api/auth/jwks: every public key that verifies Tollgate's JWTs (RFC 7517).</summary>
public sealed record JsonWebKeySet(PublicJsonWebKey[] Keys);

/// <summary>An ES256 (P-256) public key; <c>x</c> and <c>y</c> are base64url.</summary>
public sealed record PublicJsonWebKey(string Kty, string Crv, string X, string Y, string Kid, string Alg, string Use)
{
    public static PublicJsonWebKey From(string kid, ECDsa key)
    {
        var point = key.ExportParameters(includePrivateParameters: false).Q;
        return new("EC", "P-256", Base64Url.EncodeToString(point.X), Base64Url.EncodeToString(point.Y), kid, SigningKey.Algorithm, "sig");
    }
}
