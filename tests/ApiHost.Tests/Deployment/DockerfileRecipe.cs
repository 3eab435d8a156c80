using System.Text.Json;
using System.Text.RegularExpressions;
using Tollgate.ApiHost.Tests.Stripe;

namespace Tollgate.ApiHost.Tests.Deployment;

/// <summary>
/// The instructions of <c>src/{project}/Dockerfile</c> that can be checked without a Docker engine: what the build
/// stage copies before restoring, its <c>dotnet publish</c> command, and the final stage's user and entry point.
/// </summary>
internal sealed partial class DockerfileRecipe
{
    private readonly List<(string Instruction, string Arguments)> _instructions;

    private DockerfileRecipe(string path, List<(string, string)> instructions)
    {
        Path = path;
        _instructions = instructions;
    }

    public string Path { get; }

    /// <summary>The image the final stage runs on.</summary>
    public string RuntimeImage => Words(Last("FROM"))[0];

    public string User => Last("USER");

    public IReadOnlyList<string> EntryPoint => JsonSerializer.Deserialize<string[]>(Last("ENTRYPOINT"))!;

    /// <summary>The arguments after <c>dotnet publish</c>.</summary>
    public IReadOnlyList<string> PublishArguments => Words(Run("dotnet publish"))[2..];

    /// <summary>The arguments after <c>dotnet restore</c>.</summary>
    public IReadOnlyList<string> RestoreArguments => Words(Run("dotnet restore"))[2..];

    /// <summary>Every source path the COPY instructions before <c>dotnet restore</c> bring in (relative to the context).</summary>
    public IReadOnlyList<string> CopiedBeforeRestore =>
        _instructions.TakeWhile(i => !(i.Instruction == "RUN" && i.Arguments.StartsWith("dotnet restore", StringComparison.Ordinal)))
            .Where(i => i.Instruction == "COPY")
            .SelectMany(i => Words(i.Arguments).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).SkipLast(1))
            .ToList();

    public static DockerfileRecipe Read(string project)
    {
        var path = System.IO.Path.Combine(NodeScript.RepositoryRoot, "src", project, "Dockerfile");
        var instructions = new List<(string, string)>();
        var pending = "";
        foreach (var line in File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            pending += line.EndsWith('\\') ? line[..^1] + " " : line;
            if (!line.EndsWith('\\'))
            {
                var split = pending.Split(' ', 2);
                instructions.Add((split[0].ToUpperInvariant(), split.Length > 1 ? split[1].Trim() : ""));
                pending = "";
            }
        }

        return new DockerfileRecipe(path, instructions);
    }

    private string Last(string instruction) =>
        _instructions.LastOrDefault(i => i.Instruction == instruction).Arguments
        ?? throw new InvalidOperationException($"{Path} has no {instruction}.");

    private string Run(string command) =>
        _instructions.SingleOrDefault(i => i.Instruction == "RUN" && i.Arguments.StartsWith(command + " ", StringComparison.Ordinal)).Arguments
        ?? throw new InvalidOperationException($"{Path} has no RUN {command}.");

    private static string[] Words(string text) => Whitespace().Split(text.Trim());

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
