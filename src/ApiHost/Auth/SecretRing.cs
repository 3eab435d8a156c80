using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Tollgate.Postgres;

namespace Tollgate.ApiHost.Auth;

/// <summary>
/// The cookie-signing secrets. Configured ones (<c>Auth:Secrets</c>) win; otherwise one secret is generated once
/// and kept in PostgreSQL, so every API host of a cluster signs alike and restarts sign nobody out.
/// </summary>
public sealed class SecretRing(IOptions<AuthOptions> options, PostgresDatabase database)
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private byte[][]? _keys;

    public async ValueTask<byte[][]> KeysAsync(CancellationToken cancellationToken)
    {
        if (_keys is { } keys)
        {
            return keys;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            return _keys ??= options.Value.Secrets.Length > 0
                ? [.. options.Value.Secrets.Select(s => System.Text.Encoding.UTF8.GetBytes(s))]
                : [System.Text.Encoding.UTF8.GetBytes(await StoredSecretAsync(cancellationToken))];
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task<string> StoredSecretAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "WITH created AS (INSERT INTO auth_secrets (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING RETURNING secret) " +
            "SELECT secret FROM created UNION ALL SELECT secret FROM auth_secrets WHERE id = 1 LIMIT 1");
        command.Parameters.Add(new() { Value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
