namespace Tollgate.Postgres;

/// <summary>A module's migrations. Registered in DI; applied in registration order, each module by version.</summary>
public interface IMigrationSource
{
    IEnumerable<Migration> GetMigrations();
}
