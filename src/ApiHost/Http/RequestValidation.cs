using System.Text.Json;
using Tollgate.ApiHost.Errors;

namespace Tollgate.ApiHost.Http;

/// <summary>
/// Collects per-field errors of one request body; <see cref="Problem"/> is the 400 <c>VALIDATION_FAILED</c> with
/// <c>details.errors</c> (field → messages). Each check returns the cleaned value, or null after recording an error.
/// </summary>
internal sealed class RequestValidation
{
    public const int MaxEmailLength = 254;
    public const int MaxIdLength = 128;
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Failed => _errors.Count > 0;

    public IResult Problem() => ApiError.ValidationFailed.ToResult(
        "The request is not valid: " + string.Join("; ", _errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")),
        new Dictionary<string, object?> { ["errors"] = _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()) });

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    public string? Text(string field, string? value, int maxLength, int minLength = 1, bool optional = false)
    {
        if (value is null)
        {
            if (!optional)
            {
                Add(field, "is required");
            }

            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length < minLength || trimmed.Length > maxLength || trimmed.Any(char.IsControl))
        {
            Add(field, $"must be {minLength} to {maxLength} characters without control characters");
            return null;
        }

        return trimmed;
    }

    public string? Email(string field, string? value)
    {
        var email = Text(field, value, MaxEmailLength, 3);
        if (email is null)
        {
            return null;
        }

        var at = email.IndexOf('@');
        if (at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1 || email.Any(char.IsWhiteSpace) || !email[(at + 1)..].Contains('.'))
        {
            Add(field, "must be an email address");
            return null;
        }

        return email;
    }

    public string? Password(string field, string? value)
    {
        if (value is null)
        {
            Add(field, "is required");
            return null;
        }

        if (value.Length is < 8 or > 128)
        {
            Add(field, "must be 8 to 128 characters");
            return null;
        }

        return value;
    }

    /// <summary>An id: letters, digits, '-' and '_' only, so it can never be anything but a lookup key.</summary>
    public string? Id(string field, string? value, bool optional = false)
    {
        var id = Text(field, value, MaxIdLength, optional: optional);
        if (id is not null && !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            Add(field, "must contain only letters, digits, '-' and '_'");
            return null;
        }

        return id;
    }

    /// <summary>An organization slug: 2 to 64 lower-case letters, digits and '-'.</summary>
    public string? Slug(string field, string? value)
    {
        var slug = Text(field, value, 64, 2);
        if (slug is not null && !slug.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            Add(field, "must contain only lower-case letters, digits and '-'");
            return null;
        }

        return slug;
    }

    /// <summary>Organization member roles (<c>owner</c>, <c>admin</c>, <c>member</c>), as a string or an array.</summary>
    public string[]? MemberRoles(string field, JsonElement? value) => RolesOf(field, value, optional: false, Tollgate.Grains.Access.OrganizationAccess.Statement);

    /// <summary>A role as better-auth sends it: a string (comma-separated roles allowed) or an array of strings.</summary>
    public string[]? Roles(string field, JsonElement? value, bool optional) =>
        RolesOf(field, value, optional, Tollgate.Grains.Access.PlatformAccess.Statement);

    private string[]? RolesOf(string field, JsonElement? value, bool optional, Tollgate.Grains.Access.AccessStatement known)
    {
        string[]? roles = value?.ValueKind switch
        {
            null or JsonValueKind.Null or JsonValueKind.Undefined => null,
            JsonValueKind.String => Tollgate.Grains.Access.PlatformAccess.SplitRoles(value.Value.GetString()),
            JsonValueKind.Array when value.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                [.. value.Value.EnumerateArray().SelectMany(e => Tollgate.Grains.Access.PlatformAccess.SplitRoles(e.GetString()))],
            _ => [],
        };
        if (roles is null)
        {
            if (!optional)
            {
                Add(field, "is required");
            }

            return null;
        }

        if (roles.Length == 0 || roles.Length > 8 || !roles.All(known.IsRole))
        {
            Add(field, $"must be one or more of: {string.Join(", ", known.Roles.Keys)}");
            return null;
        }

        return roles;
    }
}
