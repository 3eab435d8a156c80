using Microsoft.Extensions.Options;

namespace Tollgate.ApiHost.Auth;

/// <summary>The origins trusted with credentials: <c>FRONTEND_URL</c> plus <c>Auth:TrustedOrigins</c>, compared as scheme://host:port.</summary>
public sealed class TrustedOrigins
{
    private readonly HashSet<string> _origins;

    public TrustedOrigins(FrontendOptions frontend, IOptions<AuthOptions> options)
    {
        _origins = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Normalize(frontend.Url.ToString())! };
        foreach (var origin in options.Value.TrustedOrigins.SelectMany(o => o.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            _origins.Add(Normalize(origin) ?? throw new OptionsValidationException(AuthOptions.Section, typeof(AuthOptions),
                [$"Auth:TrustedOrigins has '{origin}', which is not an absolute http(s) URL."]));
        }
    }

    public bool Contains(string? origin) => Normalize(origin) is { } normalized && _origins.Contains(normalized);

    /// <summary>
    /// Whether a request comes from a page of this very host (the support console): a same-origin request is never
    /// cross-site, so it is trusted with the cookie as the frontend is. CORS is not involved for it.
    /// </summary>
    public static bool IsSameOrigin(HttpRequest request, string origin) =>
        Normalize(origin) is { } normalized && request.Host.HasValue
        && Normalize($"{request.Scheme}://{request.Host.Value}") is { } own && string.Equals(normalized, own, StringComparison.OrdinalIgnoreCase);

    private static string? Normalize(string? origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? $"{uri.Scheme}://{uri.Host}:{uri.Port}"
            : null;
}
