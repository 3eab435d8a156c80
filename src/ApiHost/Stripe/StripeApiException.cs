using System.Net;

namespace Tollgate.ApiHost.Stripe;

/// <summary>Stripe's API answered with an error (its <c>{"error":{"message","type","code"}}</c>), or could not be reached.</summary>
public sealed class StripeApiException(HttpStatusCode statusCode, string message, string? type = null, string? code = null,
    string? requestId = null, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>The HTTP status Stripe answered with (503 when unreachable, 504 when it timed out).</summary>
    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary><c>error.type</c>, e.g. <c>invalid_request_error</c>, <c>card_error</c>, <c>api_error</c>.</summary>
    public string? Type { get; } = type;

    /// <summary><c>error.code</c>, e.g. <c>resource_missing</c>.</summary>
    public string? Code { get; } = code;

    /// <summary>Stripe's <c>Request-Id</c> response header, for support.</summary>
    public string? RequestId { get; } = requestId;
}
