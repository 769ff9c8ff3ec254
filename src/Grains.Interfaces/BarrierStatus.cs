namespace Orleans.Barrier;

/// <summary>A snapshot of a barrier, taken in one grain turn.</summary>
/// <param name="Name">The barrier's cluster-wide name.</param>
/// <param name="Parties">The number of arrivals that releases the barrier.</param>
/// <param name="Waiting">Arrivals waiting in the current phase (<c>n_waiting</c>); 0 unless <see cref="State"/> is <see cref="BarrierState.Filling"/>.</param>
/// <param name="State">The barrier's state.</param>
/// <param name="Phase">How many times the barrier has released a full party since it was created.</param>
[GenerateSerializer, Immutable]
[Alias("Orleans.Barrier.BarrierStatus")]
public sealed record BarrierStatus(
    [property: Id(0)] string Name,
    [property: Id(1)] int Parties,
    [property: Id(2)] int Waiting,
    [property: Id(3)] BarrierState State,
    [property: Id(4)] long Phase)
{
    /// <summary>Whether the barrier is broken (aborted or timed out) and fails every wait until reset.</summary>
    public bool IsBroken => State == BarrierState.Broken;

    /// <summary>The silo that hosts the barrier's grain (its runtime identity), or <see langword="null"/> if not known.</summary>
    [Id(5)]
    public string? HostSilo { get; init; }

    /// <summary>
    /// The current arrivals, oldest first. Capped at the silo's <c>BarrierHostOptions.StatusListLimit</c> (100 by
    /// default); <see cref="Waiting"/> is always the full count.
    /// </summary>
    [Id(6)]
    public IReadOnlyList<BarrierWaiter> Waiters { get; init; } = [];

    /// <summary>
    /// Participants of the previous release that have not arrived in this phase (the stragglers), by name, in the
    /// order of their previous index. Empty before the first release. Capped like <see cref="Waiters"/>.
    /// </summary>
    [Id(7)]
    public IReadOnlyList<string> Missing { get; init; } = [];

    /// <summary>Why the barrier is broken, while <see cref="IsBroken"/>; otherwise <see langword="null"/>.</summary>
    [Id(8)]
    public BrokenBarrierReason? BrokenReason { get; init; }

    /// <summary>The participants whose lost leases broke the barrier, while it is broken for that reason; otherwise empty.</summary>
    [Id(9)]
    public IReadOnlyList<string> LostParticipants { get; init; } = [];

    /// <summary>
    /// How many arrivals the <see cref="Waiting"/> participants came in: fewer when processes coalesced their
    /// participants' arrivals (<see cref="BarrierOptions.CoalesceArrivals"/>), which is what the barrier's messages cost.
    /// </summary>
    [Id(10)]
    public int Arrivals { get; init; }

    /// <summary>Value equality, including the contents of the lists (a record alone would compare them by reference).</summary>
    public bool Equals(BarrierStatus? other)
        => other is not null
            && Name == other.Name
            && Parties == other.Parties
            && Waiting == other.Waiting
            && State == other.State
            && Phase == other.Phase
            && HostSilo == other.HostSilo
            && BrokenReason == other.BrokenReason
            && Arrivals == other.Arrivals
            && Waiters.SequenceEqual(other.Waiters)
            && Missing.SequenceEqual(other.Missing)
            && LostParticipants.SequenceEqual(other.LostParticipants);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Parties, Waiting, State, Phase, HostSilo, BrokenReason, Waiters.Count);
}
