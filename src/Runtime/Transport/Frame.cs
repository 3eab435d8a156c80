namespace Tollgate.Runtime.Transport;

/// <summary>One decoded frame; <see cref="Body"/> is owned by the frame.</summary>
internal readonly record struct Frame(FrameKind Kind, long CallId, byte[] Body);
