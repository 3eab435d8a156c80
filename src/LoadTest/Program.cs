using Tollgate.LoadTest;

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
