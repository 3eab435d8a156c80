using System.ComponentModel.DataAnnotations;

namespace Tollgate.ApiHost.Auth;

/// <summary>How the HTTP host handles credentials (section <c>Auth</c>; <c>FRONTEND_URL</c> at the root).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Cookie-signing secrets: the first signs, all verify (rotation). Empty: one generated and kept in PostgreSQL.</summary>
    public string[] Secrets { get; set; } = [];

    /// <summary>Origins allowed to make cookie-authenticated POSTs and credentialed CORS calls; <c>FRONTEND_URL</c> always is.</summary>
    public string[] TrustedOrigins { get; set; } = [];

    /// <summary>Secure (and <c>__Secure-</c> prefixed) cookies; by default when <c>FRONTEND_URL</c> is https.</summary>
    public bool? SecureCookies { get; set; }

    /// <summary>
    /// <c>SameSite</c> of the session cookie. <c>Lax</c> (default): the frontend and the API are one site (same
    /// registrable domain). <c>Strict</c>: not even top-level navigations from elsewhere carry it. <c>None</c>: a
    /// frontend on another site; browsers then require <c>Secure</c>, so it forces Secure cookies and is refused at
    /// start-up when <c>FRONTEND_URL</c> is http or <see cref="SecureCookies"/> is false.
    /// </summary>
    public SameSiteMode CookieSameSite { get; set; } = SameSiteMode.Lax;

    /// <summary>
    /// <c>Domain</c> of the session cookie, e.g. <c>example.com</c> to share the session between <c>app.example.com</c>
    /// and <c>api.example.com</c>. Unset: a host-only cookie for the API's own host. Must be a host name with a dot
    /// (or <c>localhost</c>), without scheme, port or path.
    /// </summary>
    public string? CookieDomain { get; set; }

    /// <summary><c>iss</c> and <c>aud</c> of the tokens of <c>/api/auth/token</c>; by default the request's scheme and host.</summary>
    [Url]
    public string? Issuer { get; set; }

    /// <summary>The frontend's sign-in page, for <c>details.signInUrl</c> of every 401.</summary>
    public string SignInPath { get; set; } = "/sign-in";

    /// <summary>Sign-in and sign-up attempts per window, per IP and per email (better-auth: 3 per 10 s).</summary>
    [Range(1, 1_000_000)]
    public int SignInMaxRequests { get; set; } = 3;

    [Range(1, 86_400)]
    public int SignInWindowSeconds { get; set; } = 10;
}
