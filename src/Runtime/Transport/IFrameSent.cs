namespace Tollgate.Runtime.Transport;

/// <summary>Told when its frame has been handed to the socket: from then on the call may have run.</summary>
internal interface IFrameSent
{
    void Sent();
}
