using Microsoft.CodeAnalysis;

namespace Tollgate.Runtime.CodeGen;

/// <summary>Errors for grain interfaces the runtime cannot call. Each says what to change.</summary>
internal static class Diagnostics
{
    private const string Category = "Tollgate.Grains";

    public static readonly DiagnosticDescriptor NotAwaitable = new(
        "TGR001", "Grain method must return a task",
        "Grain method '{0}' returns '{1}'; grain methods must return Task, Task<T>, ValueTask or ValueTask<T>",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor Generic = new(
        "TGR002", "Generic grain members are not supported",
        "'{0}' is generic; grain interfaces and their methods cannot have type parameters",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NotAMethod = new(
        "TGR003", "Grain interfaces hold only methods",
        "'{0}' is not a method; grain interfaces can declare only methods returning tasks",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ByRefParameter = new(
        "TGR004", "Grain method parameters are passed by value",
        "Parameter '{0}' of '{1}' is ref, out or in; grain calls can cross processes, so parameters are values",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
