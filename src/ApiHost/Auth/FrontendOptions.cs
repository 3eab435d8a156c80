namespace Tollgate.ApiHost.Auth;

/// <summary>The marketplace frontend (<c>FRONTEND_URL</c>): always a trusted origin, the base of sign-in links.</summary>
public sealed class FrontendOptions
{
    public const string Key = "FRONTEND_URL";

    public const string Default = "http://localhost:3000";

    public required Uri Url { get; init; }

    public static FrontendOptions From(IConfiguration configuration)
    {
        var value = configuration[Key] is { Length: > 0 } configured ? configured : Default;
        return Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? new FrontendOptions { Url = url }
            : throw new Microsoft.Extensions.Options.OptionsValidationException(Key, typeof(FrontendOptions),
                [$"{Key} must be an absolute http(s) URL; got '{value}'."]);
    }
}
