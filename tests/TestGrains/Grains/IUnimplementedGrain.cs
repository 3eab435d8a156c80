namespace Tollgate.Runtime.Tests.Grains;

/// <summary>A grain interface no class implements.</summary>
public interface IUnimplementedGrain : IGrainWithStringKey
{
    Task<int> CallAsync();
}
