namespace Tollgate.ApiHost.Tests.Operations;

/// <summary>One sample line of a Prometheus text exposition: <c>name{label="value",...} value</c>.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>True when every one of <paramref name="labels"/> is on this sample with that value (others may be too).</summary>
    public bool Has(IEnumerable<(string Name, string Value)> labels) =>
        labels.All(label => Labels.TryGetValue(label.Name, out var value) && value == label.Value);
}
