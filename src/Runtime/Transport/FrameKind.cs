namespace Tollgate.Runtime.Transport;

/// <summary>What a frame carries.</summary>
internal enum FrameKind : byte
{
    /// <summary>A grain call: target, method, JSON arguments.</summary>
    Request = 1,

    /// <summary>A call's JSON result.</summary>
    Response = 2,

    /// <summary>A call's failure: JSON <see cref="WireError"/>.</summary>
    Error = 3,

    /// <summary>The silo is stopping: send no new calls on this connection; calls already sent are answered.</summary>
    GoAway = 4,

    /// <summary>A liveness probe; answered at once with <see cref="Pong"/> under the same id.</summary>
    Ping = 5,

    /// <summary>The answer to <see cref="Ping"/>.</summary>
    Pong = 6,
}
