namespace Orleans.Barrier;

/// <summary>
/// The grain behind one barrier, keyed by the barrier's name. Participants use it through
/// <see cref="IDistributedBarrier"/>; the methods here are the wire protocol that handle speaks.
/// </summary>
[Alias("Orleans.Barrier.IBarrierGrain")]
internal interface IBarrierGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers the arrival (once per arrival id) and holds the call until the arrival is released, broken or
    /// cancelled, or until the request's poll interval runs out, whichever is first. Arrivals and their re-issues only.
    /// </summary>
    [Alias("Wait")]
    Task<ArrivalOutcome> WaitAsync(ArrivalRequest request);

    /// <summary>
    /// Lowers a waiting coalesced arrival to the members that stay, answered at once: pending if it still waits (with at
    /// most those members), or the release or break that came first.
    /// </summary>
    [Alias("Withdraw")]
    Task<ArrivalOutcome> WithdrawAsync(WithdrawalRequest request);

    /// <summary>
    /// Reports members of a waiting coalesced arrival as lost where they waited, answered at once: the break that names
    /// them, the release or break that came first, or <see cref="ArrivalOutcomeKind.Unknown"/> for an arrival never heard of.
    /// </summary>
    [Alias("Lose")]
    Task<ArrivalOutcome> LoseAsync(LossRequest request);

    /// <summary>Answers a shard's new activation what became of one of its members, after retiring the shard's older epochs.</summary>
    [Alias("Recall")]
    Task<ArrivalOutcome> RecallAsync(RecallRequest request);

    /// <summary>
    /// Removes the arrival if it is still waiting. If a release or a break got there first, returns that outcome
    /// instead, so a participant never loses an index the barrier already gave it.
    /// </summary>
    /// <param name="arrival">The arrival to remove.</param>
    /// <param name="parties">
    /// The party count the participant declared while no answer to the arrival has come back (the cancellation may have
    /// overtaken it, and is then remembered so that it never counts), else <see langword="null"/>.
    /// </param>
    [Alias("Cancel")]
    Task<ArrivalOutcome> CancelAsync(ArrivalId arrival, int? parties);

    /// <summary>Returns the barrier to an empty, filling state; current waiters fail with <see cref="BrokenBarrierReason.Reset"/>.</summary>
    /// <param name="parties">The party count the caller expects, or <see langword="null"/> to accept the barrier's own (the barrier must then exist).</param>
    [Alias("Reset")]
    Task ResetAsync(int? parties);

    /// <summary>Breaks the barrier; current and later waiters fail with <see cref="BrokenBarrierReason.Aborted"/> until a reset.</summary>
    /// <param name="parties">The party count the caller expects, or <see langword="null"/> to accept the barrier's own (the barrier must then exist).</param>
    [Alias("Abort")]
    Task AbortAsync(int? parties);

    /// <summary>Takes a snapshot of the barrier.</summary>
    /// <param name="parties">The party count the caller expects, or <see langword="null"/> to only look.</param>
    /// <returns>The status, or <see langword="null"/> when <paramref name="parties"/> is null and the barrier has never been used.</returns>
    [Alias("GetStatus")]
    Task<BarrierStatus?> GetStatusAsync(int? parties);
}
