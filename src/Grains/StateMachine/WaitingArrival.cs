namespace Orleans.Barrier;

/// <summary>
/// An arrival in the filling set. Mutable only in its lease, which each re-issued poll moves forward, and in its
/// units, which a coalesced arrival lowers when some of its members are cancelled.
/// </summary>
internal sealed class WaitingArrival(ArrivalId id, ArrivalTerms terms, DateTimeOffset arrivedAt, DateTimeOffset? timeoutAt, DateTimeOffset? leaseExpiresAt)
{
    public ArrivalId Id { get; } = id;

    public ArrivalTerms Terms { get; } = terms;

    /// <summary>How many participants it stands for now: its terms' units, less any withdrawn since.</summary>
    public int Units { get; set; } = terms.Units;

    /// <summary>How many units it stands for as the sender sees it; more than <see cref="Units"/> only when a release could take just part of it.</summary>
    public int Offered { get; set; } = terms.Units;

    /// <summary>Its members' names, when they have their own (see <see cref="ArrivalTerms.Members"/>); shrinks with <see cref="Units"/>.</summary>
    public IReadOnlyList<string>? Members { get; set; } = terms.Members;

    /// <summary>Its members' own arrival ids, for a shard's arrival (see <see cref="ArrivalTerms.MemberIds"/>); shrinks with <see cref="Units"/>.</summary>
    public IReadOnlyList<Guid>? MemberIds { get; set; } = terms.MemberIds;

    /// <summary>The names it stands for: each member's, or its participant's once.</summary>
    public IReadOnlyList<string> Names => Members ?? [Terms.Participant];

    /// <summary>When this machine first saw the arrival.</summary>
    public DateTimeOffset ArrivedAt { get; } = arrivedAt;

    /// <summary>When its wait times out and breaks the barrier; null for no limit.</summary>
    public DateTimeOffset? TimeoutAt { get; } = timeoutAt;

    /// <summary>When its lease runs out unless renewed; null for no lease, or once the lease has been acted on.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; } = leaseExpiresAt;
}
