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

    /// <summary>When this machine first saw the arrival.</summary>
    public DateTimeOffset ArrivedAt { get; } = arrivedAt;

    /// <summary>When its wait times out and breaks the barrier; null for no limit.</summary>
    public DateTimeOffset? TimeoutAt { get; } = timeoutAt;

    /// <summary>When its lease runs out unless renewed; null for no lease, or once the lease has been acted on.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; } = leaseExpiresAt;
}
