using System.Reflection;

namespace Tollgate.Runtime.Hosting;

/// <summary>An assembly whose grain classes the silo hosts.</summary>
public sealed record GrainAssembly(Assembly Assembly);
