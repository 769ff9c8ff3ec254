namespace Orleans.Barrier;

/// <summary>The barrier grain's answer to a wait or a cancellation.</summary>
/// <param name="Kind">What became of the arrival.</param>
/// <param name="Index">The release index when <see cref="Kind"/> is <see cref="ArrivalOutcomeKind.Released"/>; otherwise -1.</param>
/// <param name="Phase">The barrier's phase: for a release, the phase number the release completed (1 for the first release).</param>
/// <param name="Reason">Why the barrier broke when <see cref="Kind"/> is <see cref="ArrivalOutcomeKind.Broken"/>.</param>
/// <param name="Incarnation">
/// The incarnation that answered: the epoch its activation claimed in storage (0 from an activation of a barrier never
/// stored, which took no arrival). The handle sends it back with the next re-issue.
/// </param>
[GenerateSerializer, Immutable]
[Alias("Orleans.Barrier.ArrivalOutcome")]
internal sealed record ArrivalOutcome(
    [property: Id(0)] ArrivalOutcomeKind Kind,
    [property: Id(1)] int Index,
    [property: Id(2)] long Phase,
    [property: Id(3)] BrokenBarrierReason? Reason,
    [property: Id(4)] long Incarnation)
{
    /// <summary>The participants whose lost leases broke the barrier, when <see cref="Reason"/> is <see cref="BrokenBarrierReason.ParticipantLost"/>.</summary>
    [Id(5)]
    public IReadOnlyList<string>? LostParticipants { get; init; }

    /// <summary>
    /// For a release: how many of the arrival's units it took, with indices <see cref="Index"/> onwards. Fewer than
    /// the request's <see cref="ArrivalRequest.Units"/> when part of the arrival completed the party; the rest were not
    /// counted and arrive again. 0 from a barrier that predates coalescing, meaning 1.
    /// </summary>
    [Id(6)]
    public int Units { get; init; }

    /// <summary>
    /// For a release: how many units the arrival stood for when it was released (after withdrawals), of which the
    /// release took <see cref="Units"/>, the first ones in the arrival's order. Tells a coalescer which of its
    /// withdrawals the barrier had applied.
    /// </summary>
    [Id(7)]
    public int Offered { get; init; }

    /// <summary>
    /// For a pending answer: the silo that holds the arrival's polls. A client watches it while its next poll is held
    /// there (<see cref="ISiloStatusGrain"/>), and re-issues the poll as soon as the cluster declares that silo dead.
    /// </summary>
    [Id(8)]
    public SiloAddress? Host { get; init; }
}
