using System.Reflection;

namespace Tollgate.Runtime;

/// <summary>Which grain class implements which grain interface, found once at start-up.</summary>
public sealed class GrainClassRegistry
{
    private readonly Dictionary<string, GrainClass> _classes = new(StringComparer.Ordinal);

    /// <summary>Registers every grain class of <paramref name="assembly"/>.</summary>
    public void AddAssembly(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && t.IsSubclassOf(typeof(Grain))))
        {
            Add(type);
        }
    }

    /// <summary>Registers <paramref name="grainClass"/> for each grain interface it implements.</summary>
    public void Add(Type grainClass)
    {
        if (!grainClass.IsSubclassOf(typeof(Grain)) || grainClass.IsAbstract)
        {
            throw new ArgumentException($"{grainClass.FullName} is not a concrete subclass of {nameof(Grain)}.", nameof(grainClass));
        }

        var grainInterfaces = grainClass.GetInterfaces()
            .Where(i => typeof(IGrainWithStringKey).IsAssignableFrom(i) && i != typeof(IGrainWithStringKey))
            .ToList();
        if (grainInterfaces.Count == 0)
        {
            throw new ArgumentException($"{grainClass.FullName} implements no grain interface.", nameof(grainClass));
        }

        var compiled = new GrainClass(grainClass);
        foreach (var grainInterface in grainInterfaces)
        {
            var typeName = GrainInterfaceRegistry.Get(grainInterface).TypeName;
            if (_classes.TryGetValue(typeName, out var other) && other.Type != grainClass)
            {
                throw new InvalidOperationException(
                    $"Both {other.Type.FullName} and {grainClass.FullName} implement {typeName}; a grain interface has one class.");
            }

            _classes[typeName] = compiled;
        }
    }

    internal GrainClass Get(string grainType) => _classes.TryGetValue(grainType, out var grainClass)
        ? grainClass
        : throw new UnknownGrainTypeException(
            $"No grain class implements {grainType} in this silo. Register its assembly with AddGrains(assembly).");
}
