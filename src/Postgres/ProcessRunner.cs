using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Tollgate.Postgres;

/// <summary>Output of a finished process.</summary>
internal sealed record ProcessResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>What the process said about its failure: stderr, or stdout for tools that report there.</summary>
    public string Diagnostics =>
        StandardError.Trim() is { Length: > 0 } error ? error : StandardOutput.Trim();
}

/// <summary>Runs a program without a shell, so no argument is ever re-parsed or expanded.</summary>
internal static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(
        string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool throwOnError = true)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The postgres user may not be able to enter our current directory (often /root), which
            // makes initdb and pg_ctl warn or fail; the root directory is always reachable.
            WorkingDirectory = OperatingSystem.IsWindows() ? "" : "/",
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var commandLine = FormatCommandLine(fileName, arguments);
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new EmbeddedPostgresException($"Could not run `{commandLine}`: {ex.Message}", ex);
        }

        // Nothing here reads input; closing stdin makes any unexpected prompt fail instead of hanging.
        process.StandardInput.Close();
        var standardOutput = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var standardError = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            TryKill(process);
            throw;
        }

        var result = new ProcessResult(
            commandLine,
            process.ExitCode,
            await standardOutput.ConfigureAwait(false),
            await standardError.ConfigureAwait(false));
        if (throwOnError && !result.Succeeded)
        {
            throw new EmbeddedPostgresException(
                $"`{commandLine}` failed with exit code {result.ExitCode}: {result.Diagnostics}");
        }

        return result;
    }

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited between the cancellation and the kill.
        }
        catch (Win32Exception)
        {
            // Not ours to kill any more (e.g. a child that changed user); nothing better to do.
        }
    }

    private static string FormatCommandLine(string fileName, IReadOnlyList<string> arguments)
    {
        var builder = new StringBuilder(Quote(fileName));
        foreach (var argument in arguments)
        {
            builder.Append(' ').Append(Quote(argument));
        }

        return builder.ToString();
    }

    private static string Quote(string value) =>
        value.Length > 0 && !value.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'')
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
