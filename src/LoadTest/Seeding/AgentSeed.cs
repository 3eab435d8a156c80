namespace Tollgate.LoadTest.Seeding;

/// <summary>A seeded agent: its one plan's price, its publishing organization and that organization's quota:consume key.</summary>
public sealed record AgentSeed(string Id, string PriceId, string OrganizationId, string ApiKey);
