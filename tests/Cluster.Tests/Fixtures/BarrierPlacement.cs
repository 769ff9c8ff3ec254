using System.Diagnostics;
using Orleans.TestingHost;

namespace Orleans.Barrier.Tests;

/// <summary>Finds barriers that placement put where a test needs them.</summary>
internal static class BarrierPlacement
{
    /// <summary>
    /// Returns a new barrier of <paramref name="shape"/> whose grain is active on a secondary silo, with that silo. The primary silo anchors
    /// the test cluster's membership and cannot be killed, so a test that kills the host needs a barrier elsewhere.
    /// </summary>
    public static async Task<(IDistributedBarrier Barrier, SiloHandle Host)> FindBarrierHostedOnSecondarySiloAsync(
        this TestCluster cluster, BarrierShape shape, string prefix, int parties)
    {
        // Placement weighs load statistics that silos publish periodically, so keep trying fresh names for a
        // bounded time rather than a fixed number of attempts.
        var searching = Stopwatch.StartNew();
        while (searching.Elapsed < TimeSpan.FromSeconds(60))
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                var barrier = shape.GetBarrier(cluster.Client, TestBounds.UniqueName(prefix), parties);
                var status = await barrier.GetStatusAsync().Bounded();
                var host = cluster.SecondarySilos.FirstOrDefault(s => s.SiloAddress.ToString() == status.HostSilo);
                if (host is not null)
                {
                    return (barrier, host);
                }
            }

            await Task.Delay(250);
        }

        throw new InvalidOperationException("No barrier landed on a secondary silo within 60 s.");
    }
}
