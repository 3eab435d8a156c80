using Microsoft.AspNetCore.Http.Features;

namespace Tollgate.ApiHost.Errors;

/// <summary>
/// Makes every problem+json the host writes, including the framework's own (404 for an unknown route, 413 for a
/// body over the limit, 500 for an unhandled exception), carry <c>type</c>, <c>code</c>, <c>message</c> and
/// <c>details</c>.
/// </summary>
internal static class ProblemDetailsSetup
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
            problem.Extensions.TryAdd("message", problem.Detail ?? error.Title);
            problem.Extensions.TryAdd("details", new Dictionary<string, object?>());
            problem.Extensions.Remove("traceId");
            if (context.HttpContext.Features.Get<IHttpActivityFeature>()?.Activity is { } activity)
            {
                problem.Extensions["traceId"] = activity.TraceId.ToString();
            }
        });
        services.Configure<ExceptionHandlerOptions>(options =>
            options.StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        return services;
    }
}
