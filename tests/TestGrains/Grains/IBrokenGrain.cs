namespace Tollgate.Runtime.Tests.Grains;

/// <summary>A grain whose activation always fails.</summary>
public interface IBrokenGrain : IGrainWithStringKey
{
    Task<int> CallAsync();
}
