namespace Tollgate.Hosting.Tests.Grains;

/// <summary>A stateless grain that says which silo runs it: a call that answers went all the way there.</summary>
[Alias("tests.IPingGrain")]
public interface IPingGrain : IGrainWithStringKey
{
    Task<string> WhereAsync();
}

public sealed class PingGrain(ILocalSiloDetails silo) : Grain, IPingGrain
{
    public Task<string> WhereAsync() => Task.FromResult(silo.SiloAddress.ToString());
}
