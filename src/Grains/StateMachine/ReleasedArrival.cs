namespace Orleans.Barrier;

/// <summary>A member of the latest release. Indices follow the order of <see cref="BarrierSnapshot.LastRelease"/>: each member takes as many as its units.</summary>
/// <param name="Arrival">The arrival that was released.</param>
/// <param name="Participant">Its participant's name, for <see cref="BarrierStatus.Missing"/>.</param>
/// <param name="Units">How many participants the release took from it (more than 1 for a coalesced arrival).</param>
/// <param name="Members">Its members' names when they have their own, the first <paramref name="Units"/> of them; otherwise null.</param>
/// <param name="Offered">How many participants it stood for when released; more than <paramref name="Units"/> when only part of it fit.</param>
/// <param name="MemberIds">
/// For a shard's arrival, its released members' own arrival ids, the first <paramref name="Units"/>; otherwise null.
/// Stored with the release so that a member whose shard died with the root before it answered is recalled with its
/// index by the root's next activation, instead of joining again and being counted twice.
/// </param>
internal readonly record struct ReleasedArrival(
    ArrivalId Arrival,
    string Participant,
    int Units = 1,
    IReadOnlyList<string>? Members = null,
    int Offered = 0,
    IReadOnlyList<Guid>? MemberIds = null)
{
    /// <summary>The names it stands for in the release.</summary>
    public IReadOnlyList<string> Names => Members ?? [Participant];
}
