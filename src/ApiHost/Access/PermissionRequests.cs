using System.Text.Json;
using Tollgate.ApiHost.Http;
using Tollgate.Grains.Access;

namespace Tollgate.ApiHost.Access;

internal static class PermissionRequests
{
    /// <summary>A <c>{resource: [action]}</c> object as better-auth's has-permission takes it.</summary>
    public static IReadOnlyList<Permission>? Parse(RequestValidation validation, string field, JsonElement? value)
    {
        if (value is not { ValueKind: JsonValueKind.Object } permissions)
        {
            validation.Add(field, "is required: an object of resource → array of actions");
            return null;
        }

        var parsed = new List<Permission>();
        foreach (var resource in permissions.EnumerateObject())
        {
            if (resource.Value.ValueKind != JsonValueKind.Array || resource.Value.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String))
            {
                validation.Add($"{field}.{resource.Name}", "must be an array of action names");
                continue;
            }

            parsed.AddRange(resource.Value.EnumerateArray().Select(a => new Permission(resource.Name, a.GetString()!)));
        }

        if (parsed.Count is 0 or > 256)
        {
            validation.Add(field, "must name 1 to 256 permissions");
        }

        return validation.Failed ? null : parsed;
    }
}
