namespace Tollgate.Runtime.Tests.Grains;

public interface IBatchedCounterGrain : IGrainWithStringKey
{
    /// <summary>Adds; with a note, records it in <c>test_notes</c> in the same commit.</summary>
    Task<long> AddAsync(long delta, string? note);

    Task<long> GetAsync();
}
