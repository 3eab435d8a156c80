using System.Runtime.Loader;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Tollgate.Runtime.Hosting;

/// <summary>Loads the grain modules named in <c>Silo:GrainAssemblies</c> (paths to assemblies).</summary>
public static class SiloModules
{
    public static IServiceCollection AddConfiguredSiloModules(this IServiceCollection services, IConfiguration configuration)
    {
        foreach (var path in configuration.GetSection("Silo:GrainAssemblies").Get<string[]>() ?? [])
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(full))
            {
                throw new FileNotFoundException($"Silo:GrainAssemblies names {full}, which does not exist.", full);
            }

            var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
            var modules = assembly.GetTypes().Where(t => typeof(ISiloModule).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false }).ToList();
            if (modules.Count == 0)
            {
                throw new InvalidOperationException($"{full} holds no {nameof(ISiloModule)}; it cannot add grains to this silo.");
            }

            foreach (var module in modules)
            {
                ((ISiloModule)Activator.CreateInstance(module)!).ConfigureServices(services);
            }
        }

        return services;
    }
}
