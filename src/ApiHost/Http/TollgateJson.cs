using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tollgate.ApiHost.Http;

/// <summary>Timestamps leave the host as ISO-8601 UTC with milliseconds and a <c>Z</c>, as JavaScript's <c>toISOString</c> writes them.</summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<char> text = stackalloc char[32]; // on every consume answer: format without a string
        value.UtcDateTime.TryFormat(text, out var length, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        writer.WriteStringValue(text[..length]);
    }
}
