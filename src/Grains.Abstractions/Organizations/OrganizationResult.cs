using Tollgate.Grains.Access;

namespace Tollgate.Grains.Organizations;

/// <summary>The outcome of an organization operation; <c>Required</c> names the missing permission of a refusal.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.OrganizationResult`1")]
public sealed record OrganizationResult<T>(T? Value, OrganizationError Error, Permission? Required) where T : class
{
    public bool Succeeded => Error == OrganizationError.None;

    public static OrganizationResult<T> Ok(T value) => new(value, OrganizationError.None, null);

    public static OrganizationResult<T> Fail(OrganizationError error, Permission? required = null) => new(null, error, required);
}
