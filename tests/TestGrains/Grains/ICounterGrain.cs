namespace Tollgate.Runtime.Tests.Grains;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<long> AddAsync(long delta);

    Task<long> GetAsync();

    Task SetLabelAsync(string? label);

    Task<string?> GetLabelAsync();

    Task ClearAsync();

    ValueTask<long> VersionAsync();
}
