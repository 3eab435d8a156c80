using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Tollgate.Runtime;

/// <summary>
/// Proxy factories of every grain interface, registered by the generated module initializers. A lookup is done
/// once per interface; references are then built by a delegate call.
/// </summary>
public static class GrainInterfaceRegistry
{
    private static readonly ConcurrentDictionary<Type, Registration> Registrations = new();

    /// <summary>Called by generated code only.</summary>
    public static void Register<TGrain>(string typeName, Func<GrainId, IGrainCallInvoker, TGrain> factory)
        where TGrain : IGrainWithStringKey =>
        Registrations[typeof(TGrain)] = new Registration(typeName, (id, invoker) => factory(id, invoker));

    internal static Registration Get(Type grainInterface)
    {
        if (Registrations.TryGetValue(grainInterface, out var registration))
        {
            return registration;
        }

        // Module initializers run on first use of a module's code; an interface can be named before that.
        RuntimeHelpers.RunModuleConstructor(grainInterface.Module.ModuleHandle);
        return Registrations.TryGetValue(grainInterface, out registration)
            ? registration
            : throw new UnknownGrainTypeException(
                $"'{grainInterface.FullName}' has no generated grain proxy. Grain interfaces must extend " +
                $"{nameof(IGrainWithStringKey)} and their project must reference Tollgate.Runtime.CodeGen as an analyzer.");
    }

    internal sealed record Registration(string TypeName, Func<GrainId, IGrainCallInvoker, object> Factory);
}
