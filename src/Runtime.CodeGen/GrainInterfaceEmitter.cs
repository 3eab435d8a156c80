using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Tollgate.Runtime.CodeGen;

/// <summary>Writes the proxy and the request classes of one grain interface.</summary>
internal static class GrainInterfaceEmitter
{
    private const string Rt = "global::Tollgate.Runtime";

    private static readonly SymbolDisplayFormat FullName = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private enum ReturnKind { Task, TaskOfT, ValueTask, ValueTaskOfT }

    public readonly struct Emitted
    {
        public Emitted(string source, string registration)
        {
            Source = source;
            Registration = registration;
        }

        public string Source { get; }
        public string Registration { get; }
    }

    public static Emitted? TryEmit(INamedTypeSymbol grainInterface, SourceProductionContext context)
    {
        var location = grainInterface.Locations.FirstOrDefault();
        if (grainInterface.IsGenericType)
        {
            context.ReportDiagnostic(Diagnostic.Create(Diagnostics.Generic, location, grainInterface.Name));
            return null;
        }

        var members = new[] { grainInterface }.Concat(grainInterface.AllInterfaces)
            .SelectMany(i => i.GetMembers())
            .ToList();
        var valid = true;
        var methods = new List<IMethodSymbol>();
        foreach (var member in members)
        {
            var memberLocation = member.Locations.FirstOrDefault() ?? location;
            if (member is not IMethodSymbol method || method.MethodKind != MethodKind.Ordinary)
            {
                if (member is not IMethodSymbol)
                {
                    context.ReportDiagnostic(Diagnostic.Create(Diagnostics.NotAMethod, memberLocation, member.Name));
                    valid = false;
                }

                continue;
            }

            if (method.IsStatic || (!method.IsAbstract && !method.IsVirtual))
            {
                continue;
            }

            if (method.IsGenericMethod)
            {
                context.ReportDiagnostic(Diagnostic.Create(Diagnostics.Generic, memberLocation, method.Name));
                valid = false;
            }

            if (Classify(method.ReturnType) is null)
            {
                context.ReportDiagnostic(Diagnostic.Create(Diagnostics.NotAwaitable, memberLocation,
                    method.Name, method.ReturnType.ToDisplayString()));
                valid = false;
            }

            foreach (var parameter in method.Parameters.Where(p => p.RefKind != RefKind.None))
            {
                context.ReportDiagnostic(Diagnostic.Create(Diagnostics.ByRefParameter, memberLocation,
                    parameter.Name, method.Name));
                valid = false;
            }

            methods.Add(method);
        }

        if (!valid)
        {
            return null;
        }

        var interfaceName = grainInterface.ToDisplayString(FullName);
        var typeName = grainInterface.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);
        var stem = Sanitize(typeName);
        var proxy = "Proxy_" + stem;
        var sb = new StringBuilder();
        sb.AppendLine("    [global::System.CodeDom.Compiler.GeneratedCode(\"Tollgate.Runtime.CodeGen\", \"1.0\")]")
            .AppendLine($"    internal sealed class {proxy} : {Rt}.GrainReference, {interfaceName}")
            .AppendLine("    {")
            .AppendLine($"        public {proxy}({Rt}.GrainId grainId, {Rt}.IGrainCallInvoker invoker) : base(grainId, invoker) {{ }}");

        var requests = new StringBuilder();
        var methodRegistrations = new StringBuilder();
        for (var index = 0; index < methods.Count; index++)
        {
            var method = methods[index];
            var kind = Classify(method.ReturnType)!.Value;
            var resultType = ResultType(method, kind);
            var requestName = $"Request_{stem}_{method.Name}_{index}";
            var owner = method.ContainingType.ToDisplayString(FullName);
            var parameters = string.Join(", ", method.Parameters.Select(p => $"{p.Type.ToDisplayString(FullName)} {Escape(p.Name)}"));
            var arguments = string.Join(", ", method.Parameters.Select(p => Escape(p.Name)));
            var call = $"Invoker.InvokeAsync(this, new {requestName}({arguments}))";
            var body = kind switch
            {
                ReturnKind.ValueTask or ReturnKind.ValueTaskOfT => $"new({call})",
                _ => call,
            };
            sb.AppendLine($"        {method.ReturnType.ToDisplayString(FullName)} {owner}.{Escape(method.Name)}({parameters}) => {body};");
            EmitRequest(requests, requestName, owner, typeName, method, kind, resultType);
            methodRegistrations.Append($" {Rt}.GrainInterfaceRegistry.RegisterMethod(\"{MethodName(typeName, method)}\", {requestName}.Read);");
        }

        sb.AppendLine("    }").AppendLine().Append(requests);
        var registration = $"{Rt}.GrainInterfaceRegistry.Register<{interfaceName}>(\"{typeName}\", static (id, invoker) => new {proxy}(id, invoker));" + methodRegistrations;
        return new Emitted(sb.ToString(), registration);
    }

    private static void EmitRequest(StringBuilder sb, string name, string owner, string interfaceName,
        IMethodSymbol method, ReturnKind kind, string resultType)
    {
        sb.AppendLine("    [global::System.CodeDom.Compiler.GeneratedCode(\"Tollgate.Runtime.CodeGen\", \"1.0\")]")
            .AppendLine($"    internal sealed class {name} : {Rt}.GrainRequest<{resultType}>")
            .AppendLine("    {");
        var ctorParameters = new List<string>();
        var assignments = new List<string>();
        var arguments = new List<string>();
        for (var i = 0; i < method.Parameters.Length; i++)
        {
            var type = method.Parameters[i].Type.ToDisplayString(FullName);
            sb.AppendLine($"        public readonly {type} Arg{i};");
            ctorParameters.Add($"{type} arg{i}");
            assignments.Add($"Arg{i} = arg{i};");
            arguments.Add($"Arg{i}");
        }

        sb.AppendLine($"        public {name}({string.Join(", ", ctorParameters)}) {{ {string.Join(" ", assignments)} }}")
            .AppendLine($"        public override string MethodName => \"{MethodName(interfaceName, method)}\";");
        EmitWire(sb, name, method);
        var call = $"(({owner})grain).{Escape(method.Name)}({string.Join(", ", arguments)})";
        var invoke = kind switch
        {
            ReturnKind.Task => $"{Rt}.GrainRequest.ToVoidResult({call})",
            ReturnKind.ValueTask => $"{Rt}.GrainRequest.ToVoidResult({call}.AsTask())",
            ReturnKind.ValueTaskOfT => $"{call}.AsTask()",
            _ => call,
        };
        sb.AppendLine($"        public override global::System.Threading.Tasks.Task<{resultType}> InvokeAsync(object grain) => {invoke};")
            .AppendLine("    }")
            .AppendLine();
    }

    private static string MethodName(string interfaceName, IMethodSymbol method) =>
        $"{interfaceName}.{method.Name}/{method.Parameters.Length}";

    /// <summary>Arguments travel as a JSON array, one element per parameter, each written by System.Text.Json.</summary>
    private static void EmitWire(StringBuilder sb, string name, IMethodSymbol method)
    {
        const string Json = "global::System.Text.Json";
        sb.AppendLine($"        public override void WriteArguments({Json}.Utf8JsonWriter writer, {Json}.JsonSerializerOptions options)")
            .AppendLine("        {")
            .AppendLine("            writer.WriteStartArray();");
        for (var i = 0; i < method.Parameters.Length; i++)
        {
            sb.AppendLine($"            {Json}.JsonSerializer.Serialize(writer, Arg{i}, options);");
        }

        sb.AppendLine("            writer.WriteEndArray();")
            .AppendLine("        }")
            .AppendLine($"        public static {Rt}.GrainRequest Read(ref {Json}.Utf8JsonReader reader, {Json}.JsonSerializerOptions options)")
            .AppendLine("        {")
            .AppendLine($"            {Rt}.GrainRequest.ReadArrayStart(ref reader);");
        for (var i = 0; i < method.Parameters.Length; i++)
        {
            var type = method.Parameters[i].Type.ToDisplayString(FullName);
            sb.AppendLine($"            {Rt}.GrainRequest.ReadNext(ref reader);")
                .AppendLine($"            var arg{i} = {Json}.JsonSerializer.Deserialize<{type}>(ref reader, options)!;");
        }

        sb.AppendLine($"            {Rt}.GrainRequest.ReadArrayEnd(ref reader);")
            .AppendLine($"            return new {name}({string.Join(", ", method.Parameters.Select((_, i) => $"arg{i}"))});")
            .AppendLine("        }");
    }

    private static ReturnKind? Classify(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol named || named.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks")
        {
            return null;
        }

        return (named.Name, named.TypeArguments.Length) switch
        {
            ("Task", 0) => ReturnKind.Task,
            ("Task", 1) => ReturnKind.TaskOfT,
            ("ValueTask", 0) => ReturnKind.ValueTask,
            ("ValueTask", 1) => ReturnKind.ValueTaskOfT,
            _ => null,
        };
    }

    private static string ResultType(IMethodSymbol method, ReturnKind kind) => kind is ReturnKind.TaskOfT or ReturnKind.ValueTaskOfT
        ? ((INamedTypeSymbol)method.ReturnType).TypeArguments[0].ToDisplayString(FullName)
        : $"{Rt}.VoidResult";

    private static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            sb.Append(char.IsLetterOrDigit(c) ? c : '_');
        }

        return sb.ToString();
    }

    private static string Escape(string identifier) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(identifier) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None
            ? "@" + identifier
            : identifier;
}
