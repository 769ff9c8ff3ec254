namespace Orleans.Barrier;

/// <summary>How a participant wants to use a barrier. Passed to <see cref="BarrierGrainFactoryExtensions.GetBarrier(IGrainFactory, string, BarrierOptions)"/>.</summary>
public sealed record BarrierOptions
{
    /// <summary>The number of arrivals that releases the barrier. Must be at least 1.</summary>
    public required int Parties { get; init; }

    /// <summary>
    /// If set, <see cref="IDistributedBarrier.WaitAsync(CancellationToken)"/> behaves as
    /// <see cref="IDistributedBarrier.WaitAsync(TimeSpan, CancellationToken)"/> with this timeout.
    /// </summary>
    public TimeSpan? DefaultTimeout { get; init; }

    /// <summary>
    /// What the barrier does when one of this handle's arrivals stops polling for longer than its lease (its process
    /// died, its client was disposed, its silo failed): break the barrier for everyone (the default) or evict the
    /// arrival as if it had been cancelled.
    /// </summary>
    public ParticipantLossPolicy OnParticipantLost { get; init; } = ParticipantLossPolicy.Break;

    /// <summary>
    /// How long an arrival of this handle may go without being heard from before the barrier counts its participant
    /// as lost. Renewed by the handle's own re-issued polls, which it sends at least three times per lease.
    /// <see langword="null"/> uses the silo's <c>BarrierHostOptions.DefaultLeaseDuration</c> (one minute);
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns leases off for this handle. Otherwise at least
    /// <see cref="MinLeaseDuration"/>.
    /// </summary>
    public TimeSpan? LeaseDuration { get; init; }

    /// <summary>
    /// How this handle's arrivals reach the barrier: at the barrier grain itself (<see cref="BarrierTopology.SingleGrain"/>)
    /// or through shard grains spread over the silos (<see cref="BarrierTopology.Tiered"/>), which coalesce the waits of
    /// participants from any process. Handles with different topologies may share one barrier: its rules live in the
    /// barrier grain either way. <see cref="BarrierTopology.Auto"/> is the single grain unless this handle does not
    /// coalesce and the barrier has 16,384 parties or more.
    /// </summary>
    public BarrierTopology Topology { get; init; } = BarrierTopology.Auto;

    /// <summary>
    /// For <see cref="BarrierTopology.Tiered"/>: how many shard grains the barrier's handles spread over (each handle
    /// keeps to one, picked round-robin in its process), 1 to <see cref="MaxShards"/>. <see langword="null"/> picks one
    /// shard per 256 parties, at least 2. More shards split the work of one phase more ways; every wait costs one more hop.
    /// </summary>
    public int? Shards { get; init; }

    /// <summary>The most shards a tiered barrier may have.</summary>
    public const int MaxShards = 1024;

    /// <summary>
    /// How this handle's arrivals are named in <see cref="BarrierStatus.Waiters"/>, <see cref="BarrierStatus.Missing"/>
    /// and <see cref="BrokenBarrierException.LostParticipants"/> (e.g. <c>"worker-17"</c>); at most
    /// <see cref="MaxParticipantLength"/> characters. <see langword="null"/> names them by the calling grain's id,
    /// or by the client's id for a client.
    /// </summary>
    public string? Participant { get; init; }

    /// <summary>
    /// Whether this process's participants share their arrivals at this barrier (the default): the tasks of a client,
    /// or the grains of a silo that called <c>AddBarriers()</c>. Waits with the same lease and loss policy that come
    /// close together go to the barrier as one arrival standing for all of them, and its release is fanned out
    /// locally, so a phase of many participants in one process costs a few messages instead of one per participant.
    /// Indices, cancellation, aborts, resets and leases behave as for separate arrivals; grains keep their own names
    /// and silos in status, a client's coalesced arrival is listed once with its <see cref="BarrierWaiter.Count"/>.
    /// A coalesced arrival carries the earliest of its members' timeouts. <see langword="false"/> sends every wait on its
    /// own, as one arrival per participant. A <see cref="BarrierTopology.Tiered"/> handle sends each wait to a shard,
    /// which coalesces there instead.
    /// </summary>
    public bool CoalesceArrivals { get; init; } = true;

    /// <summary>The shortest lease accepted: shorter ones would need polls more often than messaging allows.</summary>
    public static readonly TimeSpan MinLeaseDuration = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest participant name accepted.</summary>
    public const int MaxParticipantLength = 256;
}
