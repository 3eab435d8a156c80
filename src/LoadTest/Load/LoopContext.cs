using Tollgate.LoadTest.Http;

namespace Tollgate.LoadTest.Load;

/// <summary>What one load loop owns: its index (for ledger slots) and its answer buffer.</summary>
public sealed class LoopContext(int index)
{
    public int Index { get; } = index;

    public BodyBuffer Body { get; } = new();
}
