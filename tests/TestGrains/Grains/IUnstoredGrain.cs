namespace Tollgate.Runtime.Tests.Grains;

/// <summary>A grain whose state type has no registered table.</summary>
public interface IUnstoredGrain : IGrainWithStringKey
{
    Task<int> CallAsync();
}
