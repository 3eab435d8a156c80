namespace Tollgate.Runtime.Tests.Grains;

/// <summary>Grains that cannot activate, for error tests.</summary>
public interface IBrokenGrain : IGrainWithStringKey
{
    Task<int> CallAsync();
}

public interface IUnstoredGrain : IGrainWithStringKey
{
    Task<int> CallAsync();
}

public interface IUnimplementedGrain : IGrainWithStringKey
{
    Task<int> CallAsync();
}
