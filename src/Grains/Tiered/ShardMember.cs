namespace Orleans.Barrier;

/// <summary>One participant waiting at a shard: its terms, its lease here, and its place in the shard's coalescer.</summary>
internal sealed class ShardMember(ArrivalId id, string name, TimeSpan? lease, ParticipantLossPolicy onLost)
{
    public ArrivalId Id { get; } = id;

    /// <summary>How the barrier names it: its participant name, or its caller's id.</summary>
    public string Name { get; } = name;

    /// <summary>How long it may go without a poll; null for no lease.</summary>
    public TimeSpan? Lease { get; } = lease;

    public ParticipantLossPolicy OnLost { get; } = onLost;

    /// <summary>When its lease runs out unless a poll renews it; null for none, or once acted on.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>Its wait in the shard's coalescer, through which it is withdrawn or reported lost.</summary>
    public LocalArrival Arrival { get; set; } = null!;

    /// <summary>Its final outcome (or failure), once the barrier has decided it.</summary>
    public Task<ArrivalOutcome> Outcome { get; set; } = null!;

    /// <summary>It was withdrawn because its lease ran out (so it is evicted, not cancelled).</summary>
    public bool Evicted { get; private set; }

    public void Evict()
    {
        Evicted = true;
        Arrival.Withdraw();
    }
}
