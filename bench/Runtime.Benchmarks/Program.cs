using BenchmarkDotNet.Running;
using Tollgate.Runtime.Benchmarks;

// `memory`: bytes per idle activation (not a timing). Anything else goes to BenchmarkDotNet, e.g. --filter '*'.
if (args is ["memory"])
{
    await MemoryFootprint.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(GrainCallBenchmarks).Assembly).Run(args);
