using Microsoft.Extensions.DependencyInjection;

namespace Tollgate.Runtime.Hosting;

/// <summary>
/// A set of grains a silo can load from an assembly named in <c>Silo:GrainAssemblies</c>: it registers its
/// grain classes, state tables and migrations. The silo creates it with its parameterless constructor.
/// </summary>
public interface ISiloModule
{
    void ConfigureServices(IServiceCollection services);
}
