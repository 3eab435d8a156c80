using Npgsql;
using Tollgate.LoadTest.Http;

namespace Tollgate.LoadTest.Elastic;

/// <summary>Orleans' membership table, read as an operator would: which cluster, how many silos are Active.</summary>
public sealed class ClusterMembers(NpgsqlDataSource database, string clusterId)
{
    /// <summary>Orleans' <c>SiloStatus.Active</c>.</summary>
    private const int Active = 3;

    public string ClusterId { get; } = clusterId;

    /// <summary><paramref name="given"/>, or the one cluster with active silos in the database.</summary>
    public static async Task<ClusterMembers> FindAsync(NpgsqlDataSource database, string? given, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT deploymentid FROM orleansmembershiptable WHERE status = $1 GROUP BY deploymentid ORDER BY deploymentid");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Active });
        var clusters = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                clusters.Add(reader.GetString(0));
            }
        }

        var members = given is not null ? new ClusterMembers(database, given)
            : clusters.Count == 1 ? new ClusterMembers(database, clusters[0])
            : throw new SetupException(clusters.Count == 0
                ? "elastic: no active silo in the database; start the cluster first (SILOS=1 scripts/local-cluster.sh)"
                : $"elastic: several clusters have active silos ({string.Join(", ", clusters)}): pass --cluster-id");
        return await members.ActiveAsync(cancellationToken) > 0 ? members
            : throw new SetupException($"elastic: cluster '{given}' has no active silo; start one first (SILOS=1 scripts/local-cluster.sh)");
    }

    public async Task<int> ActiveAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = $1 AND status = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ClusterId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Active });
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
