using System.Globalization;
using System.Xml.Linq;
using Tollgate.ApiHost.Tests.Stripe;
using Xunit;

namespace Tollgate.ApiHost.Tests.Deployment;

/// <summary>What can be checked of the two Dockerfiles without a Docker engine (the published output runs: see PublishedProgramsTests).</summary>
public sealed class DockerfileTests
{
    public static readonly TheoryData<string, string> Images = new()
    {
        { "Silo", "tollgate-silo" },
        { "ApiHost", "tollgate-apihost" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public async Task EachImageRunsOnTheRuntimeImageAsTheNonRootUserItsPodsRunAs(string project, string deployment)
    {
        var recipe = DockerfileRecipe.Read(project);

        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", recipe.RuntimeImage, StringComparison.Ordinal); // no SDK in the image
        var user = int.Parse(recipe.User, CultureInfo.InvariantCulture); // by number: the kubelet can check runAsNonRoot
        Assert.True(user > 0, $"{recipe.Path} runs as root.");
        foreach (var overlay in new[] { "dev", "prod" })
        {
            var pod = (await RenderedOverlay.GetAsync(overlay)).Deployment(deployment).Pod;
            Assert.Equal(user, (int?)pod["securityContext"]?["runAsUser"]);
        }
    }

    [Theory]
    [InlineData("Silo")]
    [InlineData("ApiHost")]
    public void EachImageCopiesEveryProjectFileItsRestoreNeeds(string project)
    {
        var recipe = DockerfileRecipe.Read(project);
        var projectFile = $"src/{project}/Tollgate.{project}.csproj";

        Assert.Equal(projectFile, recipe.RestoreArguments[0]);
        Assert.Equal(projectFile, recipe.PublishArguments[0]);
        var copied = recipe.CopiedBeforeRestore;
        foreach (var needed in ProjectClosure(projectFile).Concat(["global.json", "Directory.Build.props", "Directory.Packages.props"]))
        {
            Assert.True(copied.Contains(needed), $"{recipe.Path} restores before copying {needed}.");
        }
    }

    /// <summary><paramref name="projectFile"/> and every project it references, directly or not (paths from the repository root).</summary>
    private static IEnumerable<string> ProjectClosure(string projectFile)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([projectFile]);
        while (pending.TryPop(out var current))
        {
            if (!found.Add(current))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(Path.Combine(NodeScript.RepositoryRoot, current))!;
            foreach (var reference in XDocument.Load(Path.Combine(NodeScript.RepositoryRoot, current)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(directory, reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(NodeScript.RepositoryRoot, full).Replace('\\', '/'));
            }
        }

        return found;
    }
}
