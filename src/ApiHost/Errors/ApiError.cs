namespace Tollgate.ApiHost.Errors;

/// <summary>
/// The error codes clients switch on (api.md, Conventions). Every failure leaves the host as problem+json with
/// <c>code</c> and <c>details</c>, built in one place: <see cref="ProblemDetailsSetup"/>.
/// </summary>
internal sealed record ApiError(int Status, string Code, string Title)
{
    public static readonly ApiError ValidationFailed = new(400, "VALIDATION_FAILED", "Validation failed");
    public static readonly ApiError Unauthorized = new(401, "UNAUTHORIZED", "Unauthorized");
    public static readonly ApiError InvalidEmailOrPassword = new(401, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password");
    public static readonly ApiError Forbidden = new(403, "FORBIDDEN", "Forbidden");
    public static readonly ApiError Banned = new(403, "BANNED", "Banned");
    public static readonly ApiError InvalidOrigin = new(403, "INVALID_ORIGIN", "Invalid origin");
    public static readonly ApiError NotFound = new(404, "NOT_FOUND", "Not found");
    public static readonly ApiError MethodNotAllowed = new(405, "METHOD_NOT_ALLOWED", "Method not allowed");
    public static readonly ApiError PayloadTooLarge = new(413, "PAYLOAD_TOO_LARGE", "Payload too large");
    public static readonly ApiError UnsupportedMediaType = new(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type");
    public static readonly ApiError UserAlreadyExists = new(422, "USER_ALREADY_EXISTS", "User already exists");
    public static readonly ApiError OrganizationAlreadyExists = new(422, "ORGANIZATION_ALREADY_EXISTS", "Organization already exists");
    public static readonly ApiError MemberAlreadyExists = new(422, "MEMBER_ALREADY_EXISTS", "Already a member");
    public static readonly ApiError LastOwner = new(422, "LAST_OWNER", "The last owner must stay");
    public static readonly ApiError PaymentRequired = new(402, "PAYMENT_REQUIRED", "Payment required");
    public static readonly ApiError QuotaExceeded = new(429, "QUOTA_EXCEEDED", "Quota exceeded");
    public static readonly ApiError IdempotencyKeyReused = new(422, "IDEMPOTENCY_KEY_REUSED", "Idempotency key reused");
    public static readonly ApiError InvalidSignature = new(400, "INVALID_SIGNATURE", "Invalid signature");
    public static readonly ApiError NoActiveOrganization = new(400, "NO_ACTIVE_ORGANIZATION", "No active organization");
    public static readonly ApiError RateLimited = new(429, "RATE_LIMITED", "Too many requests");
    public static readonly ApiError Internal = new(500, "INTERNAL_ERROR", "Internal error");
    public static readonly ApiError Unavailable = new(503, "UNAVAILABLE", "Service unavailable");
    public static readonly ApiError Timeout = new(504, "TIMEOUT", "The cluster did not answer in time");

    /// <summary>Every code the API answers with (the OpenAPI document's enum of <c>code</c>).</summary>
    public static readonly IReadOnlyList<ApiError> All =
    [
        ValidationFailed, Unauthorized, InvalidEmailOrPassword, Forbidden, Banned, InvalidOrigin, NotFound, MethodNotAllowed, PayloadTooLarge,
        UnsupportedMediaType, UserAlreadyExists, OrganizationAlreadyExists, MemberAlreadyExists, LastOwner, PaymentRequired, QuotaExceeded,
        IdempotencyKeyReused, InvalidSignature, NoActiveOrganization, RateLimited, Internal, Unavailable, Timeout,
    ];

    private static readonly Dictionary<int, ApiError> ByStatus = new[]
    {
        ValidationFailed, Unauthorized, Forbidden, NotFound, MethodNotAllowed, PayloadTooLarge, UnsupportedMediaType, RateLimited, Internal, Unavailable, Timeout,
    }.ToDictionary(e => e.Status);

    /// <summary>The generic error for a status produced by the framework (an unmatched route, a body too large).</summary>
    public static ApiError ForStatus(int status) =>
        ByStatus.TryGetValue(status, out var error) ? error : new ApiError(status, $"HTTP_{status}", "Error");

    public string Type => "urn:tollgate:error:" + Code.ToLowerInvariant().Replace('_', '-');

    /// <summary>This error as an HTTP result.</summary>
    public IResult ToResult(string message, IReadOnlyDictionary<string, object?>? details = null) => Results.Problem(
        statusCode: Status,
        title: Title,
        type: Type,
        extensions: new Dictionary<string, object?>
        {
            ["code"] = Code,
            ["message"] = message,
            ["details"] = details ?? new Dictionary<string, object?>(),
        });
}
