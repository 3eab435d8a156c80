namespace Tollgate.Runtime.Transport;

/// <summary>A failed call as it travels back to the caller.</summary>
internal sealed record WireError(string Type, string Message, bool Retriable);
