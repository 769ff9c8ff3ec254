namespace Orleans.Barrier;

/// <summary>
/// A participant's handle on a cluster-wide barrier: Python's <c>asyncio.Barrier</c>, made distributed.
/// Get one with <see cref="BarrierGrainFactoryExtensions.GetBarrier(IGrainFactory, string, int)"/>; it is
/// cheap, holds no connection, and may be shared by many concurrent waits.
/// </summary>
public interface IDistributedBarrier
{
    /// <summary>The barrier's cluster-wide name.</summary>
    string Name { get; }

    /// <summary>The number of arrivals that releases the barrier.</summary>
    int Parties { get; }

    /// <summary>
    /// Waits until <see cref="Parties"/> arrivals wait, then returns this arrival's index in
    /// <c>[0, Parties)</c>: 0 for the first to arrive, <c>Parties - 1</c> for the one that completed the barrier.
    /// Uses <see cref="BarrierOptions.DefaultTimeout"/> if one was set.
    /// </summary>
    /// <param name="cancellationToken">Cancelling removes this arrival from the barrier, then the call throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="BrokenBarrierException">The barrier was aborted, reset or timed out.</exception>
    /// <exception cref="InvalidOperationException">The barrier exists with a different party count.</exception>
    Task<int> WaitAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="WaitAsync(CancellationToken)"/>, but if the barrier is not released within
    /// <paramref name="timeout"/> it breaks with <see cref="BrokenBarrierReason.Timeout"/> for every waiter, and
    /// this call throws <see cref="BrokenBarrierException"/> (<c>threading.Barrier.wait(timeout)</c>).
    /// </summary>
    /// <param name="timeout">Zero or more, or <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <param name="cancellationToken">Cancelling removes this arrival from the barrier, then the call throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    Task<int> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the barrier to an empty, filling state (<c>asyncio: reset()</c>). Every waiter fails with
    /// <see cref="BrokenBarrierReason.Reset"/>; a broken barrier becomes usable again.
    /// </summary>
    Task ResetAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Breaks the barrier (<c>asyncio: abort()</c>): every current and later wait fails with
    /// <see cref="BrokenBarrierReason.Aborted"/> until <see cref="ResetAsync"/> is called.
    /// </summary>
    Task AbortAsync(CancellationToken cancellationToken = default);

    /// <summary>Takes a snapshot of the barrier's state.</summary>
    Task<BarrierStatus> GetStatusAsync(CancellationToken cancellationToken = default);
}
