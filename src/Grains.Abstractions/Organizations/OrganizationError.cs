namespace Tollgate.Grains.Organizations;

/// <summary>Why an organization operation did not happen; the HTTP host maps each to one error.</summary>
[GenerateSerializer, Alias("tollgate.OrganizationError")]
public enum OrganizationError
{
    None,
    NotFound,
    SlugTaken,
    UserNotFound,
    AlreadyMember,
    NotAMember,
    Forbidden,
    OwnerRequired,
    LastOwner,
    UnknownRole,
}
