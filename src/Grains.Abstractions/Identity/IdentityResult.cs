namespace Tollgate.Grains.Identity;

/// <summary>The outcome of an identity operation: a value, or an error (with the user for <see cref="IdentityError.Banned"/>).</summary>
[GenerateSerializer, Immutable, Alias("tollgate.IdentityResult`1")]
public sealed record IdentityResult<T>(T? Value, IdentityError Error, UserInfo? User) where T : class
{
    public bool Succeeded => Error == IdentityError.None;

    public static IdentityResult<T> Ok(T value) => new(value, IdentityError.None, null);

    public static IdentityResult<T> Fail(IdentityError error, UserInfo? user = null) => new(null, error, user);
}
