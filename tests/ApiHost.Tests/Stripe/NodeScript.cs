using System.Diagnostics;
using System.Text;
using Xunit;

namespace Tollgate.ApiHost.Tests.Stripe;

/// <summary>
/// Runs the Node.js scripts in <c>tests/ApiHost.Tests/Compat</c> (npm packages pinned in its package.json), or in
/// another folder of pinned packages (<c>Deployment</c>), and other commands the tests need.
/// </summary>
internal static class NodeScript
{
    public static readonly string RepositoryRoot = FindRepositoryRoot();

    public static readonly string CompatDirectory = Path.Combine(RepositoryRoot, "tests", "ApiHost.Tests", "Compat");

    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    /// <summary>.ci/run installs the pinned packages; a developer's first run installs them here (once per process).</summary>
    public static async Task EnsurePackageAsync(string package, string? directory = null)
    {
        directory ??= CompatDirectory;
        if (Directory.Exists(Path.Combine(directory, "node_modules", package)))
        {
            return;
        }

        await InstallLock.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(directory, "node_modules", package)))
            {
                return;
            }

            var (exitCode, stdout, stderr) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], null, TimeSpan.FromMinutes(5), directory);
            Assert.True(exitCode == 0, $"npm ci failed in {directory} (Node.js and npm are required):\n{stdout}{stderr}");
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>Runs <paramref name="command"/> in the Compat folder (or <paramref name="workingDirectory"/>), writing <paramref name="stdin"/> (UTF-8) to it.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string command, string[] arguments, string? stdin,
        TimeSpan deadline, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(command)
        {
            WorkingDirectory = workingDirectory ?? CompatDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin.AsMemory(), timeout.Token);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(' ', arguments)} did not finish within {deadline}:\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Orleans.sln not found above " + AppContext.BaseDirectory);
    }
}
