using System.Text;

namespace Tollgate.ApiHost.Tests.Operations;

/// <summary>One export request an <see cref="OtlpCollector"/> received.</summary>
internal sealed record OtlpRequest(string Method, string Path, string? ContentType, byte[] Body)
{
    /// <summary>Protobuf keeps strings as UTF-8 bytes: a span name or attribute value is found as it is.</summary>
    public bool Mentions(string text) => Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
