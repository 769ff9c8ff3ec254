namespace Orleans.Barrier;

/// <summary>
/// Operates barriers by name without taking part in them: look at one, reset or abort it, list the barriers that
/// exist. For command lines, status pages and operators, who may not know a barrier's party count. Get one with
/// <see cref="BarrierAdminGrainFactoryExtensions.GetBarrierAdmin(IGrainFactory)"/>; it is cheap and holds no connection.
/// </summary>
public interface IBarrierAdmin
{
    /// <summary>Takes a snapshot of the barrier called <paramref name="name"/>.</summary>
    /// <param name="name">The barrier's cluster-wide name.</param>
    /// <param name="parties">
    /// The party count the caller expects, which creates the barrier if it was never used (as a handle of that count
    /// would); or <see langword="null"/> to only look, which never creates it.
    /// </param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>The status, or <see langword="null"/> when <paramref name="parties"/> is null and the barrier was never used.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty, white space or too long; nothing is sent.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parties"/> is less than 1; nothing is sent.</exception>
    /// <exception cref="InvalidOperationException">The barrier exists with another party count; the message names both.</exception>
    Task<BarrierStatus?> GetStatusAsync(string name, int? parties = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the barrier called <paramref name="name"/> to an empty, filling state, as
    /// <see cref="IDistributedBarrier.ResetAsync(CancellationToken)"/> does: every waiter fails with
    /// <see cref="BrokenBarrierReason.Reset"/> and a broken barrier becomes usable again.
    /// </summary>
    /// <param name="name">The barrier's cluster-wide name.</param>
    /// <param name="parties">
    /// The party count the caller expects, which creates the barrier if it was never used; or <see langword="null"/>
    /// to take the barrier as it is, which must then exist.
    /// </param>
    /// <param name="cancellationToken">Stops waiting for the answer; the reset may still happen.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty, white space or too long; nothing is sent.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parties"/> is less than 1; nothing is sent.</exception>
    /// <exception cref="InvalidOperationException">The barrier exists with another party count (the message names both), or <paramref name="parties"/> is null and it was never used.</exception>
    Task ResetAsync(string name, int? parties = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Breaks the barrier called <paramref name="name"/>, as <see cref="IDistributedBarrier.AbortAsync(CancellationToken)"/>
    /// does: every current and later waiter fails with <see cref="BrokenBarrierReason.Aborted"/> until a reset.
    /// </summary>
    /// <param name="name">The barrier's cluster-wide name.</param>
    /// <param name="parties">
    /// The party count the caller expects, which creates the barrier if it was never used; or <see langword="null"/>
    /// to take the barrier as it is, which must then exist.
    /// </param>
    /// <param name="cancellationToken">Stops waiting for the answer; the abort may still happen.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty, white space or too long; nothing is sent.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parties"/> is less than 1; nothing is sent.</exception>
    /// <exception cref="InvalidOperationException">The barrier exists with another party count (the message names both), or <paramref name="parties"/> is null and it was never used.</exception>
    Task AbortAsync(string name, int? parties = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the names of the barriers that exist (created by any use, on any silo), in ordinal order. A barrier is
    /// listed from the moment its creating call is answered, also after every activation was collected or the silo
    /// hosting it died, as long as the barrier storage keeps it.
    /// </summary>
    /// <param name="prefix">Lists only names that start with this text (ordinal); <see langword="null"/> or empty lists every barrier.</param>
    /// <param name="cancellationToken">Stops the listing.</param>
    IAsyncEnumerable<string> ListAsync(string? prefix = null, CancellationToken cancellationToken = default);
}
