using System.Text.Json;

namespace Tollgate.LoadTest.Http;

/// <summary>A setup call's answer: status, body, and the headers the tool acts on.</summary>
public sealed record ApiAnswer(int Status, string Text, string? SetCookie, TimeSpan? RetryAfter)
{
    public JsonElement Json => JsonDocument.Parse(Text).RootElement;

    /// <summary>The problem+json <c>code</c> (e.g. <c>USER_ALREADY_EXISTS</c>), if the body is a problem.</summary>
    public string? Code => Problem("code");

    /// <summary>"403 FORBIDDEN: You may not …", for error messages.</summary>
    public string Describe() =>
        Code is { } code ? $"{Status} {code}: {Problem("message") ?? Problem("title")}" : $"{Status}: {(Text.Length > 200 ? Text[..200] + "…" : Text)}";

    private string? Problem(string member)
    {
        try
        {
            return JsonDocument.Parse(Text).RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty(member, out var value)
                && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
