namespace Tollgate.Grains.Access;

/// <summary>One action on one resource, written <c>resource:action</c> (e.g. <c>user:set-role</c>).</summary>
[GenerateSerializer, Immutable, Alias("tollgate.Permission")]
public sealed record Permission(string Resource, string Action)
{
    public override string ToString() => $"{Resource}:{Action}";
}
