using Microsoft.AspNetCore.Http.Features;

namespace Tollgate.ApiHost.Errors;

/// <summary>
/// Makes every problem+json the host writes, including the framework's own (404 for an unknown route, 413 for a
/// body over the limit, 500 for an unhandled exception), carry <c>type</c>, <c>code</c>, <c>message</c> and
/// <c>details</c>.
/// </summary>
internal static partial class ProblemDetailsSetup
{
    public static IServiceCollection AddTollgateProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var error = ApiError.ForStatus(problem.Status ?? context.HttpContext.Response.StatusCode);
            problem.Type = problem.Extensions.ContainsKey("code") ? problem.Type : error.Type;
            problem.Title ??= error.Title;
            problem.Extensions.TryAdd("code", error.Code);
            if (context.Exception is { } failure && ClusterFailures.StatusOf(failure) is not null)
            {
                // The cluster could not be reached, did not answer in time, or a grain lost a write race: nothing was
                // promised, and the same request (with the same Idempotency-Key for a consume) may be sent again.
                context.HttpContext.Response.Headers.RetryAfter = ClusterFailures.RetryAfterSeconds;
                problem.Extensions["message"] = ClusterFailures.Describe(failure);
            }

            // A body that is not JSON, or a member of the wrong type: say which, so the client can fix it.
            if (context.Exception is BadHttpRequestException { InnerException: System.Text.Json.JsonException json } bad)
            {
                var field = json.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "body";
                problem.Title = "Validation failed";
                problem.Extensions["message"] = $"{bad.Message} {json.Message}";
                problem.Extensions["details"] = new Dictionary<string, object?>
                {
                    ["errors"] = new Dictionary<string, string[]> { [field] = [json.Message.Split(" Path:")[0]] },
                };
            }

            else if (context.Exception is BadHttpRequestException { StatusCode: 400 } binding && BoundParameter().Match(binding.Message) is { Success: true } match)
            {
                // A route or query value that does not read as its type ("limit=abc"): a field error too.
                problem.Title = "Validation failed";
                problem.Extensions["details"] = new Dictionary<string, object?>
                {
                    ["errors"] = new Dictionary<string, string[]> { [match.Groups["name"].Value] = [binding.Message] },
                };
            }

            problem.Extensions.TryAdd("message", context.Exception is BadHttpRequestException other ? other.Message : problem.Detail ?? error.Title);
            problem.Extensions.TryAdd("details", new Dictionary<string, object?>());
            problem.Extensions.Remove("traceId");
            if (context.HttpContext.Features.Get<IHttpActivityFeature>()?.Activity is { } activity)
            {
                problem.Extensions["traceId"] = activity.TraceId.ToString();
            }
        });
        // Binding failures (malformed JSON, wrong types) become exceptions, so their reason reaches the problem above.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<ExceptionHandlerOptions>(options =>
            options.StatusCodeSelector = exception => exception switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                _ => ClusterFailures.StatusOf(exception) ?? StatusCodes.Status500InternalServerError,
            });
        return services;
    }

    [System.Text.RegularExpressions.GeneratedRegex("parameter \"(?:[^\"]* )?(?<name>[A-Za-z_][A-Za-z0-9_]*)\" from")]
    private static partial System.Text.RegularExpressions.Regex BoundParameter();
}
