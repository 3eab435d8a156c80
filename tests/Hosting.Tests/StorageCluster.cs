using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Tollgate.Grains;
using Tollgate.Hosting.Tests.Grains;
using Tollgate.Postgres;
using Tollgate.Storage;

namespace Tollgate.Hosting.Tests;

/// <summary>
/// An Orleans test cluster (<see cref="InProcessTestCluster"/>) whose silos keep grain state in the given PostgreSQL
/// through <see cref="PostgresGrainStorage"/>, hosting Tollgate's grains and the test grains.
/// </summary>
public static class StorageCluster
{
    public static async Task<InProcessTestCluster> StartAsync(string connectionString, short silos = 1)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration["ConnectionStrings:Tollgate"] = connectionString;
            host.Services.AddPostgresDatabase();
            host.Services.AddMigrations(TollgateOrleans.ClusteringMigrations);
            host.Services.AddTypedGrainStorage();
            host.Services.AddTollgateGrains();
            host.Services.AddGrainState(CounterState.Table);
            // After the grains' migrations: the faults switch also watches their users table.
            host.Services.AddMigrations(new EmbeddedMigrations(typeof(StorageCluster).Assembly, "hosting_tests"));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
