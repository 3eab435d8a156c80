using Tollgate.ApiHost.Auth;
using Tollgate.ApiHost.Errors;
using Tollgate.Grains.Access;

namespace Tollgate.ApiHost.SupportConsole;

/// <summary>
/// The support console (issue 15): static pages served from this assembly, no build step, no framework. <c>/console</c>
/// is for <c>support:read</c> (platform admins): a visitor without a session is sent to <c>/console/login</c>, anyone
/// else gets 403. The pages call the HTTP API with the session cookie from the same origin, so every action is
/// authorized and audited by the API itself.
/// </summary>
internal static class ConsoleEndpoints
{
    private static readonly Dictionary<string, (string Resource, string ContentType)> Assets = new(StringComparer.Ordinal)
    {
        ["console.js"] = ("console.js", "text/javascript; charset=utf-8"),
    };

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder app)
    {
        var console = app.MapGroup("/console").ExcludeFromDescription();
        console.MapGet("/login", () => Page("login.html")).AllowAnyone();
        // The sign-in page needs the style before anyone is signed in; it holds nothing.
        console.MapGet("/console.css", () => Results.Text(Read("console.css"), "text/css; charset=utf-8")).AllowAnyone();
        // Public at the door so a browser without a session is sent to sign in; the caller is judged here.
        console.MapGet("", ConsoleAsync).AllowAnyone();
        console.MapGet("/{asset}", (string asset) => Assets.TryGetValue(asset, out var file) ? Results.Text(Read(file.Resource), file.ContentType) : ApiError.NotFound.ToResult("No such console file."))
            .RequirePermission(PlatformAccess.SupportRead);
        return app;
    }

    private static async Task<IResult> ConsoleAsync(HttpContext context, CallerResolver callers)
    {
        var authentication = await callers.ResolveAsync(context);
        if (authentication.Caller is not { } caller)
        {
            return Results.Redirect("/console/login");
        }

        if (caller.User.Banned)
        {
            return AuthProblems.Banned(caller.User);
        }

        return PlatformAuthorizer.Allows(caller, PlatformAccess.SupportRead) ? Page("console.html") : AuthProblems.Forbidden([PlatformAccess.SupportRead]);
    }

    private static IResult Page(string name)
    {
        // The pages load only their own script and style, and may not be framed (clickjacking of admin actions).
        return new PageResult(Read(name));
    }

    /// <summary>The embedded files, read once: they cannot change while the process runs.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Files = new(StringComparer.Ordinal);

    private static string Read(string name) => Files.GetOrAdd(name, ReadEmbedded);

    private static string ReadEmbedded(string name)
    {
        using var stream = typeof(ConsoleEndpoints).Assembly.GetManifestResourceStream($"Tollgate.ApiHost.SupportConsole.{name}")
            ?? throw new InvalidOperationException($"The console file {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed class PageResult(string html) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self'; frame-ancestors 'none'";
            context.Response.Headers.XFrameOptions = "DENY";
            context.Response.Headers.CacheControl = "no-store";
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync(html);
        }
    }
}
