using System.Globalization;
using System.Text;

namespace Tollgate.ApiHost.Tests.Operations;

/// <summary>
/// A strict reader of the Prometheus text format 0.0.4, as a scraper reads it: every sample belongs to a family
/// declared by <c># TYPE</c>, label values are quoted and escaped, and each histogram series has cumulative
/// buckets ending in <c>le="+Inf"</c> equal to its <c>_count</c>. Anything else throws <see cref="FormatException"/>.
/// </summary>
internal sealed class PrometheusText
{
    private static readonly string[] HistogramSuffixes = ["_bucket", "_sum", "_count"];

    private PrometheusText(IReadOnlyDictionary<string, string> types, IReadOnlyList<PrometheusSample> samples)
    {
        Types = types;
        Samples = samples;
    }

    /// <summary>Family name to type (<c>counter</c>, <c>gauge</c>, <c>histogram</c>...).</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    public static PrometheusText Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<PrometheusSample>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            try
            {
                if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ');
                    types.Add(parts[2], parts.Length == 4 ? parts[3] : throw new FormatException("a TYPE line is '# TYPE name type'"));
                }
                else if (line.Length > 0 && line[0] != '#')
                {
                    var sample = ParseSample(line);
                    if (!types.ContainsKey(Family(sample.Name, types)))
                    {
                        throw new FormatException($"{sample.Name} has no # TYPE line before it");
                    }

                    samples.Add(sample);
                }
            }
            catch (Exception exception) when (exception is FormatException or ArgumentException or IndexOutOfRangeException)
            {
                throw new FormatException($"line {i + 1} '{line}': {exception.Message}", exception);
            }
        }

        var parsed = new PrometheusText(types, samples);
        parsed.CheckHistograms();
        return parsed;
    }

    public IEnumerable<PrometheusSample> Named(string name) => Samples.Where(s => s.Name == name);

    /// <summary>The sum of the samples of <paramref name="name"/> carrying <paramref name="labels"/>; 0 when there are none.</summary>
    public double Value(string name, params (string Name, string Value)[] labels) => Named(name).Where(s => s.Has(labels)).Sum(s => s.Value);

    public bool Contains(string name, params (string Name, string Value)[] labels) => Named(name).Any(s => s.Has(labels));

    private static string Family(string name, Dictionary<string, string> types)
    {
        foreach (var suffix in HistogramSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.GetValueOrDefault(name[..^suffix.Length]) == "histogram")
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }

    private static PrometheusSample ParseSample(string line)
    {
        var at = 0;
        while (at < line.Length && (char.IsAsciiLetterOrDigit(line[at]) || line[at] is '_' or ':'))
        {
            at++;
        }

        var name = line[..at];
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            throw new FormatException("no metric name");
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (at < line.Length && line[at] == '{')
        {
            at = ParseLabels(line, at + 1, labels);
        }

        var rest = line[at..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (at == line.Length || line[at] != ' ' || rest.Length is 0 or > 2)
        {
            throw new FormatException("a sample is 'name{labels} value [timestamp]'");
        }

        return new PrometheusSample(name, labels, ParseValue(rest[0]));
    }

    private static int ParseLabels(string line, int at, Dictionary<string, string> labels)
    {
        while (line[at] != '}')
        {
            var equals = line.IndexOf('=', at);
            var label = line[at..equals];
            if (label.Length == 0 || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || line[equals + 1] != '"')
            {
                throw new FormatException($"bad label '{label}'");
            }

            var value = new StringBuilder();
            for (at = equals + 2; line[at] != '"'; at++)
            {
                value.Append(line[at] != '\\' ? line[at] : line[++at] switch
                {
                    '\\' => '\\',
                    '"' => '"',
                    'n' => '\n',
                    var other => throw new FormatException($"bad escape \\{other}"),
                });
            }

            labels.Add(label, value.ToString());
            at++;
            if (line[at] == ',')
            {
                at++;
            }
        }

        return at + 1;
    }

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private void CheckHistograms()
    {
        foreach (var family in Types.Where(t => t.Value == "histogram").Select(t => t.Key))
        {
            var series = Named(family + "_bucket").GroupBy(s => SeriesKey(s.Labels.Where(l => l.Key != "le")));
            foreach (var buckets in series)
            {
                var ordered = buckets.OrderBy(b => ParseValue(b.Labels["le"])).ToList();
                if (ordered.Zip(ordered.Skip(1)).Any(pair => pair.Second.Value < pair.First.Value) || ordered[^1].Labels["le"] != "+Inf")
                {
                    throw new FormatException($"{family}{{{buckets.Key}}}: buckets are not cumulative up to le=\"+Inf\"");
                }

                var count = Named(family + "_count").SingleOrDefault(s => SeriesKey(s.Labels) == buckets.Key)
                    ?? throw new FormatException($"{family}{{{buckets.Key}}} has buckets but no _count");
                if (count.Value != ordered[^1].Value || !Named(family + "_sum").Any(s => SeriesKey(s.Labels) == buckets.Key))
                {
                    throw new FormatException($"{family}{{{buckets.Key}}}: _count {count.Value} differs from the +Inf bucket, or _sum is missing");
                }
            }
        }
    }

    private static string SeriesKey(IEnumerable<KeyValuePair<string, string>> labels) =>
        string.Join(',', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
}
