namespace Tollgate.Grains.Organizations;

/// <summary>An organization as clients see it.</summary>
public sealed record OrganizationInfo(string Id, string Name, string Slug, DateTimeOffset CreatedAt);
