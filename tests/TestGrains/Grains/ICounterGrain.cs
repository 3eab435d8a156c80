namespace Tollgate.Runtime.Tests.Grains;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<long> AddAsync(long delta);

    Task<long> GetAsync();

    /// <summary>Adds and records a note in <c>test_notes</c> in the same transaction.</summary>
    Task<long> AddWithNoteAsync(long delta, string note);

    Task SetLabelAsync(string? label);

    Task<string?> GetLabelAsync();

    Task ClearAsync();

    ValueTask<long> VersionAsync();
}
