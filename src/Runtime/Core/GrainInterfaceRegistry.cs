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
    private static readonly ConcurrentDictionary<string, GrainRequestReader> Methods = new(StringComparer.Ordinal);

    /// <summary>Called by generated code only.</summary>
    public static void Register<TGrain>(string typeName, Func<GrainId, IGrainCallInvoker, TGrain> factory)
        where TGrain : IGrainWithStringKey =>
        Registrations[typeof(TGrain)] = new Registration(typeName, (id, invoker) => factory(id, invoker));

    /// <summary>Called by generated code only: how to read a call of <paramref name="methodName"/> off the wire.</summary>
    public static void RegisterMethod(string methodName, GrainRequestReader reader) => Methods[methodName] = reader;

    /// <summary>The reader of a method, or null when no loaded grain interface has it.</summary>
    internal static GrainRequestReader? FindMethod(string methodName) => Methods.GetValueOrDefault(methodName);

    /// <summary>A typed reference to grain <paramref name="key"/> whose calls go through <paramref name="invoker"/>.</summary>
    public static TGrain CreateReference<TGrain>(string key, IGrainCallInvoker invoker) where TGrain : IGrainWithStringKey
    {
        var registration = Get(typeof(TGrain));
        return (TGrain)registration.Factory(new GrainId(registration.TypeName, key), invoker);
    }

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
