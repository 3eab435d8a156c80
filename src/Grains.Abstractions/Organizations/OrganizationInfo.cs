namespace Tollgate.Grains.Organizations;

/// <summary>An organization as clients see it.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.OrganizationInfo")]
public sealed record OrganizationInfo(string Id, string Name, string Slug, DateTimeOffset CreatedAt);
