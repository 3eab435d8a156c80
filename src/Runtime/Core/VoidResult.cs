namespace Tollgate.Runtime;

/// <summary>The result of a grain method that returns a plain <see cref="Task"/>.</summary>
public readonly record struct VoidResult;
