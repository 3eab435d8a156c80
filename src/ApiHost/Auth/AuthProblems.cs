using Tollgate.ApiHost.Errors;
using Tollgate.Grains.Access;
using Tollgate.Grains.Identity;

namespace Tollgate.ApiHost.Auth;

/// <summary>The authentication and authorization errors, with the details api.md promises.</summary>
public sealed class AuthProblems(FrontendOptions frontend, Microsoft.Extensions.Options.IOptions<AuthOptions> options)
{
    /// <summary>401 with <c>details.signInUrl</c>: the frontend's sign-in page, redirecting back to the original path.</summary>
    public IResult Unauthorized(HttpContext context, string message = "Sign in to continue.") =>
        Unauthorized(context, ApiError.Unauthorized, message);

    public IResult InvalidEmailOrPassword(HttpContext context) =>
        Unauthorized(context, ApiError.InvalidEmailOrPassword, "Invalid email or password.");

    public static IResult Forbidden(IEnumerable<Permission> required) => ApiError.Forbidden.ToResult(
        "Your role does not allow this.",
        new Dictionary<string, object?> { ["required"] = required.Select(p => p.ToString()).ToArray() });

    public static IResult SessionRequired() => ApiError.Forbidden.ToResult(
        "This needs a signed-in session; an API key cannot do it.",
        new Dictionary<string, object?> { ["required"] = new[] { "session" } });

    /// <summary>429 for an API key over its own rate limit, with <c>Retry-After</c>.</summary>
    public static IResult KeyRateLimited(HttpContext context, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiError.RateLimited.ToResult(
            $"This API key is over its rate limit; try again in {retryAfterSeconds} s.",
            new Dictionary<string, object?> { ["retryAfter"] = retryAfterSeconds });
    }

    public static IResult Banned(UserInfo user) => ApiError.Banned.ToResult(
        user.BanReason is { Length: > 0 } reason ? $"You are banned: {reason}" : "You are banned from this service.",
        new Dictionary<string, object?> { ["banReason"] = user.BanReason, ["banExpires"] = user.BanExpires });

    public static IResult InvalidOrigin(string? origin) => ApiError.InvalidOrigin.ToResult(
        origin is null ? "Cookie-authenticated requests must carry an Origin header." : $"Origin '{origin}' is not trusted.",
        new Dictionary<string, object?> { ["origin"] = origin });

    /// <summary>The one mapping from identity outcomes to HTTP errors.</summary>
    public IResult From(HttpContext context, IdentityError error, UserInfo? user) => error switch
    {
        IdentityError.InvalidCredentials => InvalidEmailOrPassword(context),
        IdentityError.Banned when user is not null => Banned(user),
        IdentityError.UserExists => ApiError.UserAlreadyExists.ToResult("A user with this email already exists."),
        IdentityError.NotFound => ApiError.NotFound.ToResult("No such user."),
        IdentityError.UnknownRole => ApiError.ValidationFailed.ToResult("Unknown role.", new Dictionary<string, object?>
        {
            ["errors"] = new Dictionary<string, string[]> { ["role"] = ["must be one or more of: " + string.Join(", ", PlatformAccess.Statement.Roles.Keys)] },
        }),
        _ => throw new InvalidOperationException($"No HTTP mapping for {error}."),
    };

    private IResult Unauthorized(HttpContext context, ApiError error, string message)
    {
        var original = context.Request.Path + context.Request.QueryString;
        var signIn = new Uri(frontend.Url, options.Value.SignInPath) + "?redirect=" + Uri.EscapeDataString(original);
        return error.ToResult(message, new Dictionary<string, object?> { ["signInUrl"] = signIn });
    }
}
