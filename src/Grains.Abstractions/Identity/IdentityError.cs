namespace Tollgate.Grains.Identity;

/// <summary>Why an identity operation did not happen; the HTTP host maps each to one error code.</summary>
[GenerateSerializer, Alias("tollgate.IdentityError")]
public enum IdentityError
{
    None,
    InvalidCredentials,
    UserExists,
    Banned,
    NotFound,
    UnknownRole,
}
