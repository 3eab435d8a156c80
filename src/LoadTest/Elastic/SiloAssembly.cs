using Tollgate.LoadTest.Http;

namespace Tollgate.LoadTest.Elastic;

/// <summary>Finds the built <c>Tollgate.Silo.dll</c> the elastic scenario starts, when <c>--silo-dll</c> is not given.</summary>
public static class SiloAssembly
{
    public static string Find(string? given)
    {
        if (given is not null)
        {
            return given;
        }

        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Orleans.sln")))
        {
            directory = directory.Parent;
        }

        // This tool's own configuration first, so that a Release run starts Release silos.
        var mine = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var candidates = directory is null ? [] : new[] { mine, mine == "Release" ? "Debug" : "Release" }
            .Select(c => Path.Combine(directory.FullName, "src", "Silo", "bin", c, "net10.0", "Tollgate.Silo.dll"));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new SetupException("elastic: Tollgate.Silo.dll not found; build it (dotnet build src/Silo -c Release) or pass --silo-dll");
    }
}
