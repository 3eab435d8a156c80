using Microsoft.Extensions.DependencyInjection;

namespace Tollgate.Runtime;

/// <summary>A grain implementation: its type and a constructor delegate built once at start-up.</summary>
internal sealed class GrainClass(Type type)
{
    private readonly ObjectFactory _factory = ActivatorUtilities.CreateFactory(type, Type.EmptyTypes);

    public Type Type { get; } = type;

    public object Create(IServiceProvider services) => _factory(services, null);
}
