namespace Orleans.Barrier;

/// <summary>
/// One (possibly re-issued) wait sent by a participant's handle, a coalescer or a shard to the barrier grain, or by a
/// participant's handle to a shard. Only arrivals and their re-issues: withdrawals, loss reports and recalls have their
/// own requests (<see cref="WithdrawalRequest"/>, <see cref="LossRequest"/>, <see cref="RecallRequest"/>).
/// </summary>
/// <remarks>Ids 9, 12 and 16 were the Withdrawal, Lost and Recall flags before those operations got their own requests; they stay retired, so an old sender's flag can never be read as something else.</remarks>
/// <param name="Id">The arrival's id; the same for every re-issue of one <c>WaitAsync</c>.</param>
/// <param name="Parties">
/// The party count the participant declared, for the barrier to check where the arrival meets it (a mismatch fails the
/// call); <see langword="null"/> on a re-issue to the incarnation that already took the arrival, which checked it then.
/// Only the barrier's definition holds the count: a request without it that reaches another incarnation is answered
/// <see cref="ArrivalOutcomeKind.Unmet"/>, and the sender goes again with it.
/// </param>
/// <param name="Timeout">
/// How long after it is first seen this arrival may wait before the barrier breaks with
/// <see cref="BrokenBarrierReason.Timeout"/>; <see langword="null"/> waits without a limit.
/// </param>
/// <param name="MaxPoll">
/// The longest the grain may hold this call before answering <see cref="ArrivalOutcomeKind.Pending"/>; the
/// handle picks it below its own response timeout. <see langword="null"/> lets the grain choose.
/// </param>
/// <param name="Incarnation">
/// The barrier incarnation (the epoch its activation claimed in storage) that answered this arrival's previous
/// attempt, or <see langword="null"/> on the first attempt. A re-issue whose arrival is unknown to the same incarnation has already been answered and
/// forgotten; one that reaches a new incarnation (the previous one was lost with its silo) re-attaches.
/// </param>
[GenerateSerializer, Immutable]
[Alias("Orleans.Barrier.ArrivalRequest")]
internal sealed record ArrivalRequest(
    [property: Id(0)] ArrivalId Id,
    [property: Id(1)] int? Parties,
    [property: Id(2)] TimeSpan? Timeout,
    [property: Id(3)] TimeSpan? MaxPoll,
    [property: Id(4)] long? Incarnation)
{
    /// <summary>The participant's name (<see cref="BarrierOptions.Participant"/>); <see langword="null"/> lets the barrier name it by the caller's id.</summary>
    [Id(5)]
    public string? Participant { get; init; }

    /// <summary>
    /// How long the arrival may go without a re-issued poll before its participant counts as lost;
    /// <see langword="null"/> uses the silo's default, <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> means no lease.
    /// </summary>
    [Id(6)]
    public TimeSpan? Lease { get; init; }

    /// <summary>What the barrier does if this arrival's lease runs out.</summary>
    [Id(7)]
    public ParticipantLossPolicy OnParticipantLost { get; init; }

    /// <summary>
    /// How many participants this arrival stands for: a process coalesces its local participants' arrivals into one.
    /// 0 or 1 for a single participant; at most the party count. A re-issue (or a <see cref="WithdrawalRequest"/>) with
    /// fewer units than the waiting arrival has withdraws the difference (members that were cancelled); units never grow.
    /// </summary>
    [Id(8)]
    public int Units { get; init; }

    /// <summary>
    /// The names of the participants a coalesced arrival stands for, in local arrival order, one per unit, when each
    /// has its own (the grains of one silo, each named by its grain id); <see langword="null"/> when they are all
    /// named by <see cref="Participant"/> or the caller. A withdrawal lists those who stay.
    /// </summary>
    [Id(10)]
    public IReadOnlyList<string>? Members { get; init; }

    /// <summary>The silo the members run on, for <see cref="BarrierWaiter.Silo"/>, when the sender is a silo's coalescer (its calls come from the silo, not from the member grains).</summary>
    [Id(11)]
    public string? Silo { get; init; }

    /// <summary>
    /// The shard of a tiered barrier that sent this coalesced arrival (its grain key), or <see langword="null"/> for any
    /// other sender. With <see cref="ShardEpoch"/> it lets the barrier drop a dead shard activation's arrivals once the
    /// shard's next activation sends its own, which its participants re-attached to.
    /// </summary>
    [Id(13)]
    public string? Shard { get; init; }

    /// <summary>Which activation of <see cref="Shard"/> sent this arrival: each one takes a higher epoch (stored with the shard).</summary>
    [Id(14)]
    public long ShardEpoch { get; init; }

    /// <summary>
    /// For a shard's coalesced arrival: each member's own arrival id, one per unit, in local arrival order (a withdrawal
    /// lists those who stay). The barrier remembers each member's index at the release, so a member whose answer died
    /// with the shard's activation gets it from the next activation (<see cref="RecallRequest"/>) instead of counting again.
    /// </summary>
    [Id(15)]
    public IReadOnlyList<Guid>? MemberIds { get; init; }

    /// <summary>
    /// Not the arrival's first attempt: an earlier one may have reached the barrier or its shard, even if no answer came
    /// back (so <see cref="Incarnation"/> may still be null). A shard that does not know the arrival then asks the barrier
    /// whether an earlier activation's release counted it, before counting it again.
    /// </summary>
    [Id(17)]
    public bool Reissued { get; init; }
}
