using System.Reflection;
using System.Text.RegularExpressions;

namespace Tollgate.Postgres;

/// <summary>
/// Migrations shipped as embedded resources named <c>…Migrations.NNNN_name.sql</c> (an <c>EmbeddedResource</c>
/// glob on <c>Migrations\*.sql</c> in the project).
/// </summary>
public sealed partial class EmbeddedMigrations(Assembly assembly, string module) : IMigrationSource
{
    public IEnumerable<Migration> GetMigrations()
    {
        foreach (var resource in assembly.GetManifestResourceNames().Order(StringComparer.Ordinal))
        {
            var match = ResourceName().Match(resource);
            if (!match.Success)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return new Migration(module, int.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture),
                match.Groups["name"].Value, reader.ReadToEnd());
        }
    }

    [GeneratedRegex(@"\.Migrations\.(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex ResourceName();
}
