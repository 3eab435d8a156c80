using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;
using Tollgate.ApiHost.Auth;
using Tollgate.Postgres;

namespace Tollgate.ApiHost.Tokens;

/// <summary>
/// The JWT keys, kept in PostgreSQL (<c>jwks</c>) so every API host of a cluster signs with the same key and a token
/// of one host verifies with the JWKS of any. The signing key is read once per process, never per token (better-auth
/// issue #3954 reads its jwks table on every call): the newest key that one of the cookie secrets opens, so a secret
/// rotation keeps it; a new one only when none opens.
/// </summary>
public sealed class JwksStore(PostgresDatabase database, SecretRing secrets, TimeProvider clock)
{
    // "TGL-JWKS": serialises key creation, so hosts starting together converge on one key.
    private const long LockKey = 0x54474c2d4a574b53;
    private static readonly TimeSpan PublicKeysLifetime = TimeSpan.FromSeconds(60);
    private readonly SemaphoreSlim _loading = new(1, 1);
    private SigningKey? _signingKey;
    private PublicKeys? _publicKeys;

    public async ValueTask<SigningKey> SigningKeyAsync(CancellationToken cancellationToken)
    {
        if (_signingKey is { } key)
        {
            return key;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            return _signingKey ??= await LoadOrCreateAsync(cancellationToken);
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>The public part of every stored key, read again at most once a minute (the endpoint is public).</summary>
    public async ValueTask<JsonWebKeySet> PublicKeysAsync(CancellationToken cancellationToken)
    {
        // On a fresh database the first key is made before the set is read, so the set is never empty.
        await SigningKeyAsync(cancellationToken);
        var now = clock.GetUtcNow();
        if (_publicKeys is { } cached && now < cached.Until)
        {
            return cached.Set;
        }

        var keys = new List<PublicJsonWebKey>();
        await using var command = database.DataSource.CreateCommand("SELECT public_jwk FROM jwks ORDER BY created_at DESC, kid DESC");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(JsonSerializer.Deserialize<PublicJsonWebKey>(reader.GetString(0), JsonSerializerOptions.Web)!);
        }

        var set = new JsonWebKeySet([.. keys]);
        _publicKeys = new PublicKeys(set, now + PublicKeysLifetime);
        return set;
    }

    private async Task<SigningKey> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        var keys = await secrets.KeysAsync(cancellationToken);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var locking = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockKey})", connection, transaction))
        {
            await locking.ExecuteNonQueryAsync(cancellationToken);
        }

        var key = await NewestOpenableAsync(connection, transaction, keys, cancellationToken);
        if (key is null)
        {
            await InsertNewAsync(connection, transaction, keys[0], cancellationToken);
            key = await NewestOpenableAsync(connection, transaction, keys, cancellationToken)
                ?? throw new InvalidOperationException("The new JWT signing key could not be read back.");
        }

        await transaction.CommitAsync(cancellationToken);
        return key;
    }

    /// <summary>Newest first by creation time, then kid, so every host picks the same key from the same rows.</summary>
    private static async Task<SigningKey?> NewestOpenableAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, byte[][] keys, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT kid, private_key FROM jwks ORDER BY created_at DESC, kid DESC", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var kid = reader.GetString(0);
            var sealedKey = (byte[])reader[1];
            foreach (var secret in keys)
            {
                if (SealedPrivateKey.TryOpen(sealedKey, secret, kid) is { } pkcs8)
                {
                    var ecdsa = ECDsa.Create();
                    ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
                    CryptographicOperations.ZeroMemory(pkcs8);
                    return new SigningKey(kid, ecdsa);
                }
            }
        }

        return null;
    }

    private static async Task InsertNewAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] secret, CancellationToken cancellationToken)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kid = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var pkcs8 = ecdsa.ExportPkcs8PrivateKey();
        await using var command = new NpgsqlCommand(
            "INSERT INTO jwks (kid, public_jwk, private_key) VALUES ($1, $2, $3) ON CONFLICT (kid) DO NOTHING", connection, transaction);
        command.Parameters.Add(new() { Value = kid });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(PublicJsonWebKey.From(kid, ecdsa), JsonSerializerOptions.Web) });
        command.Parameters.Add(new() { Value = SealedPrivateKey.Seal(pkcs8, secret, kid) });
        CryptographicOperations.ZeroMemory(pkcs8);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record PublicKeys(JsonWebKeySet Set, DateTimeOffset Until);
}
