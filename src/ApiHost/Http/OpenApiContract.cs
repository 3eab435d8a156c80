using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Tollgate.ApiHost.Auth;
using Tollgate.ApiHost.Errors;

namespace Tollgate.ApiHost.Http;

/// <summary>
/// The OpenAPI document as a client generator (orval, openapi-typescript) needs it: every problem+json answer has the
/// members clients switch on — <c>code</c> (an enum of api.md's codes), <c>message</c>, <c>details</c> with the shapes
/// api.md names, <c>traceId</c> — and every operation says which credentials it takes (issue 16).
/// </summary>
internal static class OpenApiContract
{
    public const string CookieScheme = "sessionCookie";
    public const string BearerScheme = "bearer";
    public const string ApiKeyScheme = "apiKey";

    public static IServiceCollection AddTollgateOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddSchemaTransformer((schema, context, _) =>
        {
            var type = context.JsonTypeInfo.Type;
            if (type == typeof(Microsoft.AspNetCore.Mvc.ProblemDetails) || type == typeof(HttpValidationProblemDetails))
            {
                DescribeProblem(schema);
            }
            else if (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?))
            {
                // Written by our own converter (UTC, milliseconds, Z), which the generator cannot see through.
                schema.Type = type == typeof(DateTimeOffset) ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
                schema.Format = "date-time";
            }
            else if (type.GetCustomAttributes(typeof(RequiredMembersAttribute), false) is [RequiredMembersAttribute required])
            {
                MarkRequired(schema, required);
            }

            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [CookieScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = SessionCookie.PlainName,
                    Description = $"The session cookie (`{SessionCookie.SecureName}` when Secure), set by sign-up and sign-in; send it with `credentials: 'include'`.",
                },
                [BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer",
                    Description = "The session token (raw, or signed as in `set-auth-token`), or an API key.",
                },
                [ApiKeyScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "x-api-key", Description = "An API key (`tg_…`)." },
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<EndpointAccess>().FirstOrDefault() is { RequiresCaller: true } access)
            {
                var schemes = access.RequiresSession ? new[] { CookieScheme, BearerScheme } : [CookieScheme, BearerScheme, ApiKeyScheme];
                operation.Security = [.. schemes.Select(scheme => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] })];
            }

            return Task.CompletedTask;
        });
    });

    /// <summary>Required members are required and never null; the rest may be left out.</summary>
    private static void MarkRequired(OpenApiSchema schema, RequiredMembersAttribute required)
    {
        var names = required.Members.Select(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName).ToHashSet(StringComparer.Ordinal);
        schema.Required = new HashSet<string>(names, StringComparer.Ordinal);
        foreach (var (name, property) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (names.Contains(name) && property is OpenApiSchema { Type: { } type } inline && type.HasFlag(JsonSchemaType.Null) && type != JsonSchemaType.Null)
            {
                inline.Type = type & ~JsonSchemaType.Null;
            }
        }
    }

    private static void DescribeProblem(OpenApiSchema schema)
    {
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties["code"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "What went wrong, to switch on (api.md, Errors).",
            Enum = [.. ApiError.All.Select(error => (JsonNode)JsonValue.Create(error.Code)!)],
        };
        schema.Properties["message"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A sentence for a person." };
        schema.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "The request's trace, for support." };
        schema.Properties["details"] = Details();
        schema.Required = new HashSet<string>(StringComparer.Ordinal) { "type", "title", "status", "code", "message", "details" };
    }

    /// <summary>The members of <c>details</c> that api.md names, each present only for the codes that carry it.</summary>
    private static OpenApiSchema Details()
    {
        OpenApiSchema Text(string description, string? format = null) => new() { Type = JsonSchemaType.String, Format = format, Description = description };
        OpenApiSchema Number(string description) => new() { Type = JsonSchemaType.Integer, Format = "int64", Description = description };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "Per code: UNAUTHORIZED signInUrl; FORBIDDEN required; BANNED banReason, banExpires; VALIDATION_FAILED errors (and reason for webhooks); " +
                "PAYMENT_REQUIRED agentId, status, checkoutUrl; QUOTA_EXCEEDED limit, used, requested, resetsAt; RATE_LIMITED retryAfter; INTERNAL_ERROR eventId, error.",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["signInUrl"] = Text("UNAUTHORIZED: the frontend's sign-in page, redirecting back here.", "uri"),
                ["required"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String }, Description = "FORBIDDEN: the permissions (resource:action, or session) the caller lacks." },
                ["banReason"] = Text("BANNED: why."),
                ["banExpires"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Format = "date-time", Description = "BANNED: until when; null: for good." },
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                    Description = "VALIDATION_FAILED: messages by field.",
                },
                ["reason"] = Text("Why a webhook was refused (INVALID_SIGNATURE: Missing, Malformed, NoSignature, Mismatch, Stale; VALIDATION_FAILED: ApiVersion, NotAnEvent)."),
                ["agentId"] = Text("PAYMENT_REQUIRED: the agent."),
                ["status"] = Text("PAYMENT_REQUIRED: the subscription's status (none, incomplete, past_due, canceled, …)."),
                ["checkoutUrl"] = Text("PAYMENT_REQUIRED: where to subscribe.", "uri"),
                ["limit"] = Number("QUOTA_EXCEEDED: the period's quota."),
                ["used"] = Number("QUOTA_EXCEEDED: used so far."),
                ["requested"] = Number("QUOTA_EXCEEDED: units asked for."),
                ["resetsAt"] = Text("QUOTA_EXCEEDED: when the period ends.", "date-time"),
                ["retryAfter"] = Number("RATE_LIMITED: seconds to wait."),
                ["eventId"] = Text("INTERNAL_ERROR (webhook): the stored event."),
                ["error"] = Text("INTERNAL_ERROR (webhook): why applying it failed."),
            },
            AdditionalPropertiesAllowed = true,
        };
    }
}
