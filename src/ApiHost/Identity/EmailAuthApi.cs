using Tollgate.ApiHost.Auth;
using Tollgate.ApiHost.Http;
using Tollgate.Grains.Identity;

namespace Tollgate.ApiHost.Identity;

/// <summary>Email and password sign-up and sign-in (api.md, Sessions).</summary>
internal static class EmailAuthApi
{
    public static RouteGroupBuilder MapEmailAuthApi(this RouteGroupBuilder auth)
    {
        auth.MapPost("/sign-up/email", SignUpAsync).AllowAnyone()
            .WithName("SignUpEmail").WithSummary("Creates a user with email and password and signs it in.")
            .Produces<SignUpResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/sign-in/email", SignInAsync).AllowAnyone()
            .WithName("SignInEmail").WithSummary("Signs in with email and password; sets the session cookie and returns the token.")
            .Produces<SignInResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return auth;
    }

    private static async Task<IResult> SignUpAsync(
        SignUpRequest? body, HttpContext context, IGrainFactory grains, SignInRateLimiter limiter, SessionCookie cookie, AuthProblems problems)
    {
        var validation = new RequestValidation();
        var name = validation.Text("name", body?.Name, 256);
        var email = validation.Email("email", body?.Email);
        var password = validation.Password("password", body?.Password);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var normalized = EmailAddress.Normalize(email!);
        if (await limiter.CheckAsync(context, "sign-up", normalized) is { } limited)
        {
            return limited;
        }

        var registered = await grains.GetGrain<IEmailGrain>(normalized).RegisterAsync(new NewUser(name!, normalized, password!, null), new Actor(null, "sign-up"));
        if (!registered.Succeeded)
        {
            return problems.From(context, registered.Error, registered.User);
        }

        var started = await grains.GetGrain<IUserGrain>(registered.Value!.Id).StartSessionAsync(SessionRequests.From(context, body!.RememberMe ?? true));
        if (!started.Succeeded)
        {
            return problems.From(context, started.Error, started.User);
        }

        await cookie.IssueAsync(context.Response, started.Value!, context.RequestAborted);
        return TypedResults.Ok(new SignUpResponse(started.Value!.Token, UserResponse.From(started.Value.User)));
    }

    private static async Task<IResult> SignInAsync(
        SignInRequest? body, HttpContext context, IGrainFactory grains, SignInRateLimiter limiter, SessionCookie cookie, AuthProblems problems)
    {
        var validation = new RequestValidation();
        var email = validation.Email("email", body?.Email);
        var password = validation.Text("password", body?.Password, 1024);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        var normalized = EmailAddress.Normalize(email!);
        if (await limiter.CheckAsync(context, "sign-in", normalized) is { } limited)
        {
            return limited;
        }

        // The untrimmed password: spaces at either end are part of it.
        var signedIn = await grains.GetGrain<IEmailGrain>(normalized).SignInAsync(body!.Password!, SessionRequests.From(context, body.RememberMe ?? true));
        if (!signedIn.Succeeded)
        {
            return problems.From(context, signedIn.Error, signedIn.User);
        }

        await cookie.IssueAsync(context.Response, signedIn.Value!, context.RequestAborted);
        return TypedResults.Ok(new SignInResponse(false, signedIn.Value!.Token, null, UserResponse.From(signedIn.Value.User)));
    }
}
