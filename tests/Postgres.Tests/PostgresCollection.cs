using Tollgate.Testing;
using Xunit;

namespace Tollgate.Postgres.Tests;

/// <summary>Every test class of this assembly shares one PostgreSQL server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
