namespace Orleans.Barrier.Testing;

/// <summary>Watches a barrier while a test moves its clock: how much barrier time passed before the barrier showed something.</summary>
public static class ClockedObservation
{
    // Every status read is bounded, so a defect fails the test instead of hanging it.
    private static readonly TimeSpan ReadBound = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Moves <paramref name="clock"/> on until the barrier reports <paramref name="waiting"/> arrivals; returns how far
    /// it moved and the status that showed them. Fails once the clock has moved <paramref name="limit"/>.
    /// </summary>
    /// <param name="clock">The cluster's barrier clock.</param>
    /// <param name="barrier">The barrier to watch.</param>
    /// <param name="waiting">The waiting count to wait for.</param>
    /// <param name="limit">How far the clock may move before the test fails.</param>
    /// <param name="throughFailures">Keep reading through failed status calls, as while a killed silo is declared dead.</param>
    public static Task<(TimeSpan Moved, BarrierStatus Status)> AdvanceUntilWaitingAsync(
        this BarrierTestClock clock, IDistributedBarrier barrier, int waiting, TimeSpan limit, bool throughFailures = false)
        => clock.AdvanceUntilStatusAsync(barrier, status => status.Waiting == waiting, limit, throughFailures);

    /// <summary>
    /// Moves <paramref name="clock"/> on until the barrier's status satisfies <paramref name="until"/>; returns how far
    /// it moved and the status that did. Fails once the clock has moved <paramref name="limit"/>.
    /// </summary>
    /// <param name="clock">The cluster's barrier clock.</param>
    /// <param name="barrier">The barrier to watch.</param>
    /// <param name="until">What the status must show.</param>
    /// <param name="limit">How far the clock may move before the test fails.</param>
    /// <param name="throughFailures">Keep reading through failed status calls, as while a killed silo is declared dead.</param>
    public static async Task<(TimeSpan Moved, BarrierStatus Status)> AdvanceUntilStatusAsync(
        this BarrierTestClock clock, IDistributedBarrier barrier, Func<BarrierStatus, bool> until, TimeSpan limit, bool throughFailures = false)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(barrier);
        ArgumentNullException.ThrowIfNull(until);
        BarrierStatus? seen = null;
        var moved = await clock.AdvanceUntilAsync(
            async () =>
            {
                try
                {
                    seen = await barrier.GetStatusAsync().WaitAsync(ReadBound);
                    return until(seen);
                }
                catch (Exception) when (throughFailures)
                {
                    // Status calls fail until the cluster has declared a killed silo dead.
                    return false;
                }
            },
            limit);
        return (moved, seen!);
    }
}
