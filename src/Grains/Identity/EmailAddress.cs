namespace Tollgate.Grains.Identity;

/// <summary>Emails are unique case-insensitively: the index and every comparison use this form.</summary>
public static class EmailAddress
{
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();
}
