namespace Orleans.Barrier;

/// <summary>What an arrival brings with it besides its id: who it is and how long it may wait unheard.</summary>
/// <param name="Participant">The participant's name, for status and for naming lost participants.</param>
/// <param name="Timeout">How long it may wait before the barrier breaks; <see langword="null"/> for no limit.</param>
/// <param name="Lease">How long it may go without a re-issue before its participant counts as lost; <see langword="null"/> for no lease.</param>
/// <param name="OnLost">What a lost lease does: break the barrier or evict the arrival.</param>
/// <param name="Source">The caller's identity as the grain saw it (a grain id), kept so status can say where it runs.</param>
/// <param name="Units">
/// How many participants the arrival stands for: 1, or more for a coalesced arrival that one process sends for
/// several of its local participants (they share its lease and loss policy). Between 1 and the party count.
/// </param>
/// <param name="Members">
/// The names of the participants a coalesced arrival stands for, in local arrival order (as many as
/// <paramref name="Units"/>), when each has its own (grains of one silo, each named by its grain id); null when they
/// are all named <paramref name="Participant"/>.
/// </param>
/// <param name="Silo">Where the members run, when the sender said so (a silo's coalesced grain arrivals); otherwise looked up from <paramref name="Source"/>.</param>
/// <param name="Shard">The tiered barrier's shard that sent it, or null for any other sender.</param>
/// <param name="ShardEpoch">
/// Which activation of <paramref name="Shard"/> sent it. The first arrival of a newer epoch evicts the waiting arrivals of
/// older ones (their participants re-attached to the newer activation), and arrivals of an older epoch are evicted on sight.
/// </param>
/// <param name="MemberIds">
/// A shard's arrival: its members' own arrival ids, one per unit; a release remembers each member's own result under its
/// id, for <see cref="BarrierStateMachine.Recall"/>. Null for any other arrival.
/// </param>
internal readonly record struct ArrivalTerms(
    string Participant,
    TimeSpan? Timeout = null,
    TimeSpan? Lease = null,
    ParticipantLossPolicy OnLost = ParticipantLossPolicy.Break,
    string? Source = null,
    int Units = 1,
    IReadOnlyList<string>? Members = null,
    string? Silo = null,
    string? Shard = null,
    long ShardEpoch = 0,
    IReadOnlyList<Guid>? MemberIds = null)
{
    /// <summary>Terms for an unnamed arrival with only a timeout, as the pre-lease protocol had.</summary>
    public static ArrivalTerms WithTimeout(TimeSpan? timeout) => new("anonymous", timeout);

    /// <summary>Throws unless the terms stand for 1 to <paramref name="parties"/> participants and name (and identify) each member once.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The units are not between 1 and <paramref name="parties"/>.</exception>
    /// <exception cref="ArgumentException">The members or member ids do not match the units.</exception>
    public void ThrowIfInvalid(int parties, string paramName)
    {
        if (Units < 1 || Units > parties)
        {
            throw new ArgumentOutOfRangeException(paramName, Units, $"An arrival stands for 1 to {parties} participants (the party count); got {Units}.");
        }

        if (Members is { } members && members.Count != Units)
        {
            throw new ArgumentException($"A coalesced arrival of {Units} participants names {members.Count}; it must name each once.", paramName);
        }

        if (MemberIds is { } ids && ids.Count != Units)
        {
            throw new ArgumentException($"A coalesced arrival of {Units} participants carries {ids.Count} member ids; it must carry one each.", paramName);
        }
    }
}
