using System.ComponentModel.DataAnnotations;

namespace Tollgate.Grains.Identity;

/// <summary>Session lifetime, password hashing and the first admins (section <c>Auth</c>); read by the silos.</summary>
public sealed class IdentityOptions
{
    public const string Section = "Auth";

    /// <summary>Session lifetime in seconds (30 days).</summary>
    [Range(60, int.MaxValue)]
    public int SessionExpiresIn { get; set; } = 30 * 24 * 3600;

    /// <summary>A use this many seconds after the last refresh slides the expiry (1 day).</summary>
    [Range(0, int.MaxValue)]
    public int SessionUpdateAge { get; set; } = 24 * 3600;

    /// <summary>Emails that are made <c>platform_admin</c> when they sign up or sign in (the first admins).</summary>
    public string[] BootstrapAdmins { get; set; } = [];

    /// <summary>PBKDF2-SHA256 iterations for new password hashes (OWASP 2023: 600,000).</summary>
    [Range(10_000, 10_000_000)]
    public int PasswordIterations { get; set; } = 600_000;

    public bool IsBootstrapAdmin(string normalizedEmail) =>
        BootstrapAdmins.SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Any(e => string.Equals(EmailAddress.Normalize(e), normalizedEmail, StringComparison.Ordinal));
}
