using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Postgres;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.Postgres.Tests;

[Collection(PostgresCollection.Name)]
public sealed class MigrationTests(PostgresFixture postgres)
{
    [Fact]
    public async Task PendingMigrationsApplyOnceInOrder()
    {
        var module = "m" + Guid.NewGuid().ToString("N")[..8];
        var table = module + "_items";
        var source = new ListSource(
            new Migration(module, 2, "add_column", $"ALTER TABLE {table} ADD COLUMN note text"),
            new Migration(module, 1, "create", $"CREATE TABLE {table} (id int PRIMARY KEY)"));
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);

        var first = await PostgresMigrator.MigrateAsync(dataSource, [source], NullLogger.Instance, CancellationToken.None);
        var second = await PostgresMigrator.MigrateAsync(dataSource, [source], NullLogger.Instance, CancellationToken.None);

        Assert.Equal((2, 0), (first, second));
        Assert.Equal(1L, await postgres.ScalarAsync<long>(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = $1 AND column_name = 'note'", table));
    }

    [Fact]
    public async Task ConcurrentMigratorsApplyEachMigrationOnce()
    {
        var module = "m" + Guid.NewGuid().ToString("N")[..8];
        var source = new ListSource(new Migration(module, 1, "create", $"CREATE TABLE {module}_t (id int)"));
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);

        var applied = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => PostgresMigrator.MigrateAsync(dataSource, [source], NullLogger.Instance, CancellationToken.None))));

        Assert.Equal(1, applied.Sum());
    }

    [Fact]
    public async Task AFailingMigrationLeavesTheSchemaAsItWas()
    {
        var module = "m" + Guid.NewGuid().ToString("N")[..8];
        var source = new ListSource(
            new Migration(module, 1, "create", $"CREATE TABLE {module}_t (id int)"),
            new Migration(module, 2, "broken", "THIS IS NOT SQL"));
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        await PostgresMigrator.MigrateAsync(dataSource, [], NullLogger.Instance, CancellationToken.None); // schema_migrations exists, whatever ran first

        await Assert.ThrowsAsync<PostgresException>(() => PostgresMigrator.MigrateAsync(dataSource, [source], NullLogger.Instance, CancellationToken.None));

        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM schema_migrations WHERE module = $1", module));
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_name = $1", module + "_t"));
    }

    [Fact]
    public async Task AnAppliedMigrationThatWasEditedIsRefused()
    {
        var module = "m" + Guid.NewGuid().ToString("N")[..8];
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        await PostgresMigrator.MigrateAsync(dataSource, [new ListSource(new Migration(module, 1, "create", $"CREATE TABLE {module}_t (id int)"))], NullLogger.Instance, CancellationToken.None);

        var edited = new ListSource(new Migration(module, 1, "create", $"CREATE TABLE {module}_t (id bigint)"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgresMigrator.MigrateAsync(dataSource, [edited], NullLogger.Instance, CancellationToken.None));

        Assert.Contains("was changed after it was applied", error.Message);
    }

    [Fact]
    public void EmbeddedMigrationsAreFoundByTheirNumberedNames()
    {
        var migrations = new EmbeddedMigrations(typeof(Tollgate.Storage.PostgresGrainStorage).Assembly, "storage").GetMigrations().ToList();

        Assert.Equal([(1, "grain_state_version")], migrations.Select(m => (m.Version, m.Name)));
    }

    private sealed class ListSource(params Migration[] migrations) : IMigrationSource
    {
        public IEnumerable<Migration> GetMigrations() => migrations;
    }
}
