using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Tollgate.Grains.Identity;

/// <summary>
/// PBKDF2-SHA256 with a 128-bit per-user salt, stored as <c>pbkdf2-sha256$iterations$salt$hash</c> so the
/// iteration count can rise without invalidating old hashes. Comparisons are constant-time.
/// </summary>
public sealed class PasswordHasher
{
    private const string Scheme = "pbkdf2-sha256";
    private readonly int _iterations;
    private readonly Lazy<string> _decoy;

    public PasswordHasher(IOptions<IdentityOptions> options)
    {
        _iterations = options.Value.PasswordIterations;
        _decoy = new Lazy<string>(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));
    }

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, _iterations, HashAlgorithmName.SHA256, 32);
        return $"{Scheme}${_iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], out var iterations))
        {
            return false;
        }

        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, Convert.FromBase64String(parts[2]), iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Spends the same work as a real verification, so an unknown email cannot be told apart by timing.</summary>
    public void VerifyDecoy(string password) => Verify(password, _decoy.Value);
}
