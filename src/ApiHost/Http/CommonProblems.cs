using Microsoft.AspNetCore.Http.Metadata;

namespace Tollgate.ApiHost.Http;

internal static class CommonProblems
{
    /// <summary>
    /// Answers any endpoint can give, listed in the OpenAPI document: a body over 1 MiB (413), a body that is not
    /// JSON (415), the grains unreachable (503).
    /// </summary>
    public static RouteGroupBuilder WithCommonProblems(this RouteGroupBuilder group) => group.WithMetadata(
        Problem(StatusCodes.Status413PayloadTooLarge), Problem(StatusCodes.Status415UnsupportedMediaType), Problem(StatusCodes.Status503ServiceUnavailable));

    private static ProducesResponseTypeMetadata Problem(int status) =>
        new(status, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]);
}
