namespace Tollgate.Cluster.Benchmarks.Report;

/// <summary>One figure against its baseline from the same run; <see cref="Ratio"/> is figure ÷ baseline.</summary>
public sealed record Comparison(string Figure, string Unit, double Value, string Baseline, double BaselineValue)
{
    public double Ratio => BaselineValue == 0 ? 0 : Value / BaselineValue;
}
