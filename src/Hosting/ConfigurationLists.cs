using Microsoft.Extensions.Configuration;

namespace Tollgate.Hosting;

/// <summary>
/// List settings given as one plain value: the configuration binder fills an array only from children
/// (<c>Auth__TrustedOrigins__0</c>), so <c>Auth__TrustedOrigins=https://a.example</c> would otherwise be dropped
/// without a word. A plain value is added to the bound items.
/// </summary>
public static class ConfigurationLists
{
    public static string[] WithPlainValue(IConfiguration configuration, string key, string[] bound) =>
        configuration[key] is { Length: > 0 } single ? [.. bound, single] : bound;
}
