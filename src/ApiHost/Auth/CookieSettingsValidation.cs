using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Tollgate.ApiHost.Auth;

/// <summary>
/// The session cookie's settings, checked at start-up: a cookie the browser would drop (SameSite=None without
/// Secure) or could not scope (a domain that is not a host name) is a clear error, not a frontend that is signed in
/// and gets 401.
/// </summary>
internal sealed partial class CookieSettingsValidation(IConfiguration configuration) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (options.CookieSameSite is not (SameSiteMode.Lax or SameSiteMode.Strict or SameSiteMode.None))
        {
            failures.Add($"Auth:CookieSameSite must be Lax, Strict or None; got {options.CookieSameSite}.");
        }

        if (options.CookieSameSite == SameSiteMode.None)
        {
            var frontend = FrontendOptions.From(configuration).Url;
            if (options.SecureCookies == false)
            {
                failures.Add("Auth:CookieSameSite=None needs Secure cookies (browsers drop SameSite=None cookies that are not Secure); remove Auth:SecureCookies=false.");
            }
            else if (options.SecureCookies is null && frontend.Scheme != "https")
            {
                failures.Add($"Auth:CookieSameSite=None needs HTTPS: browsers drop SameSite=None cookies that are not Secure, and {FrontendOptions.Key} is {frontend}. Serve the frontend over https, or use Lax for a same-site frontend.");
            }
        }

        if (options.CookieDomain is { } domain && !IsCookieDomain(domain))
        {
            failures.Add($"Auth:CookieDomain must be a host name such as example.com (no scheme, port or path); got '{domain}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsCookieDomain(string domain)
    {
        var host = domain.StartsWith('.') ? domain[1..] : domain;
        return host.Length is > 0 and <= 253 && HostName().IsMatch(host) && (host.Contains('.') || host == "localhost");
    }

    [GeneratedRegex("^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*$")]
    private static partial Regex HostName();
}
