using System.Text.Json;

namespace Tollgate.Runtime.Transport;

/// <summary>
/// The JSON settings of the wire: camelCase, unknown members ignored, missing members defaulted, so adding a
/// member to a record is not a breaking change between versions. Fields are included so tuples travel.
/// </summary>
internal static class WireJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { IncludeFields = true };
}
