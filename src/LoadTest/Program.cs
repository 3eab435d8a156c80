namespace Tollgate.LoadTest;

/// <summary>The console entry point (in a namespace: the benchmarks and tests also reference the API host's global <c>Program</c>).</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // The first Ctrl-C stops the load and still audits; a second one ends the process at once.
        using var interrupt = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (!interrupt.IsCancellationRequested)
            {
                e.Cancel = true;
                interrupt.Cancel();
            }
        };

        return await LoadTestCommand.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, interrupt.Token);
    }
}
