namespace Orleans.Barrier.Tests;

/// <summary>
/// Watches a barrier's status until it shows an expected number of waiters. Arrivals cross the wire
/// asynchronously, so tests observe them rather than assume them; the outcome of a test never depends on the
/// polling interval. Shared by the cluster and end-to-end tests (linked into both projects).
/// </summary>
internal static class BarrierObservation
{
    /// <summary>Polls until <paramref name="waiting"/> arrivals wait, within <paramref name="bound"/>.</summary>
    /// <param name="barrier">The barrier to watch.</param>
    /// <param name="waiting">The waiting count to wait for.</param>
    /// <param name="bound">How long to watch before the test fails.</param>
    /// <param name="throughFailures">Keep polling through failed status calls, as while a killed silo is declared dead.</param>
    public static Task<BarrierStatus> WaitForWaitingAsync(this IDistributedBarrier barrier, int waiting, TimeSpan bound, bool throughFailures = false)
        => barrier.WaitForStatusAsync(status => status.Waiting == waiting, bound, throughFailures);

    /// <summary>Polls until the barrier's status satisfies <paramref name="until"/>, within <paramref name="bound"/>.</summary>
    /// <param name="barrier">The barrier to watch.</param>
    /// <param name="until">What the status must show.</param>
    /// <param name="bound">How long to watch before the test fails.</param>
    /// <param name="throughFailures">Keep polling through failed status calls, as while a killed silo is declared dead.</param>
    public static async Task<BarrierStatus> WaitForStatusAsync(this IDistributedBarrier barrier, Func<BarrierStatus, bool> until, TimeSpan bound, bool throughFailures = false)
    {
        using var timeout = new CancellationTokenSource(bound);
        while (true)
        {
            try
            {
                var status = await barrier.GetStatusAsync(timeout.Token);
                if (until(status))
                {
                    return status;
                }
            }
            catch (Exception exception) when (throughFailures && exception is not OperationCanceledException)
            {
                // Status calls fail until the cluster has declared a killed silo dead.
            }

            await Task.Delay(20, timeout.Token);
        }
    }
}
