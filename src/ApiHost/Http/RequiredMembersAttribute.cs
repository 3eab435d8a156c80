namespace Tollgate.ApiHost.Http;

/// <summary>
/// The members of a request body a caller must send (by C# name). Bodies bind with every member nullable so that a
/// missing one is a 400 naming it, not a binding failure; this tells the OpenAPI document (and the clients generated
/// from it) which members are required and never null, and leaves the others optional.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class RequiredMembersAttribute(params string[] members) : Attribute
{
    public IReadOnlyList<string> Members { get; } = members;
}
