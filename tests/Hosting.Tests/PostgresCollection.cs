using Tollgate.Testing;
using Xunit;

namespace Tollgate.Hosting.Tests;

/// <summary>Every test class of this assembly shares one PostgreSQL server, one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
