using System.Diagnostics;
using Tollgate.Runtime.Membership;

namespace Tollgate.Cluster.Benchmarks.Hosting;

/// <summary>Waits on cluster membership as the benchmarks need it.</summary>
public static class ClusterWait
{
    /// <summary>Until every member's fresh read of the table shows all of <paramref name="members"/> Active.</summary>
    public static async Task AllActiveAsync(IReadOnlyList<BenchHost> members, TimeSpan deadline)
    {
        var started = Stopwatch.GetTimestamp();
        var selves = members.Select(m => m.Membership.Self!).ToList();
        while (true)
        {
            var seen = true;
            foreach (var member in members)
            {
                var snapshot = await member.Membership.RefreshAsync(CancellationToken.None);
                seen &= selves.All(s => snapshot.Find(s)?.Status == SiloStatus.Active);
            }

            if (seen)
            {
                return;
            }

            if (Stopwatch.GetElapsedTime(started) > deadline)
            {
                throw new TimeoutException($"The {members.Count} members did not all see each other Active within {deadline}.");
            }

            await Task.Delay(50);
        }
    }
}
