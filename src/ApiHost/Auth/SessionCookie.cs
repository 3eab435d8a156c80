using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Tollgate.Grains.Identity;

namespace Tollgate.ApiHost.Auth;

/// <summary>
/// The session cookie as better-auth writes it: <c>better-auth.session_token</c> (<c>__Secure-</c> prefixed when
/// Secure), value <c>token.signature</c> with an HMAC-SHA256 signature by the first secret; any secret verifies.
/// </summary>
public sealed class SessionCookie(SecretRing secrets, FrontendOptions frontend, IOptions<AuthOptions> options, TimeProvider clock)
{
    public const string PlainName = "better-auth.session_token";
    public const string SecureName = "__Secure-" + PlainName;

    /// <summary>Secure when configured so, when the frontend is https, and always with SameSite=None (browsers require it).</summary>
    public bool Secure { get; } = options.Value.CookieSameSite == SameSiteMode.None || (options.Value.SecureCookies ?? frontend.Url.Scheme == "https");

    public string Name => Secure ? SecureName : PlainName;

    /// <summary>The cookie value a request carries, under either name.</summary>
    public static string? Read(HttpRequest request) =>
        request.Cookies.TryGetValue(SecureName, out var secure) ? secure
        : request.Cookies.TryGetValue(PlainName, out var plain) ? plain
        : null;

    public async ValueTask<string> SignAsync(string token, CancellationToken cancellationToken)
    {
        var keys = await secrets.KeysAsync(cancellationToken);
        return token + "." + Convert.ToBase64String(HMACSHA256.HashData(keys[0], Encoding.ASCII.GetBytes(token)));
    }

    /// <summary>The token of a signed value, or null when no secret's signature matches (compared in constant time).</summary>
    public async ValueTask<string?> VerifyAsync(string signedValue, CancellationToken cancellationToken)
    {
        var dot = signedValue.LastIndexOf('.');
        if (dot <= 0)
        {
            return null;
        }

        var token = signedValue[..dot];
        var signature = new byte[32];
        if (!Convert.TryFromBase64String(signedValue[(dot + 1)..], signature, out var length) || length != 32)
        {
            return null;
        }

        var payload = Encoding.ASCII.GetBytes(token);
        var matched = false;
        foreach (var key in await secrets.KeysAsync(cancellationToken))
        {
            matched |= CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, payload), signature);
        }

        return matched ? token : null;
    }

    public async ValueTask WriteAsync(HttpResponse response, string token, SessionInfo session, CancellationToken cancellationToken)
    {
        var cookie = Options();
        if (session.RememberMe)
        {
            // rememberMe:false is a browser-session cookie (no Max-Age), as better-auth does.
            cookie.MaxAge = session.ExpiresAt - clock.GetUtcNow();
        }

        response.Cookies.Append(Name, await SignAsync(token, cancellationToken), cookie);
    }

    /// <summary>
    /// Hands a new session to the client: the cookie, and the signed token in <c>set-auth-token</c> as
    /// better-auth's bearer plugin does (a bearer may be the signed or the raw token).
    /// </summary>
    public async ValueTask IssueAsync(HttpResponse response, IssuedSession issued, CancellationToken cancellationToken)
    {
        await WriteAsync(response, issued.Token, issued.Session, cancellationToken);
        response.Headers["set-auth-token"] = await SignAsync(issued.Token, cancellationToken);
    }

    public void Clear(HttpResponse response)
    {
        // A cookie is replaced or deleted only by one with the same name, domain and path.
        response.Cookies.Delete(Name, Options());
    }

    private CookieOptions Options() => new()
    {
        HttpOnly = true,
        SameSite = options.Value.CookieSameSite,
        Path = "/",
        Secure = Secure,
        Domain = options.Value.CookieDomain,
    };
}
