using System.Text.Json;

namespace Tollgate.Runtime;

/// <summary>Reads one grain call's arguments (a JSON array) into its generated request object.</summary>
public delegate GrainRequest GrainRequestReader(ref Utf8JsonReader reader, JsonSerializerOptions options);
