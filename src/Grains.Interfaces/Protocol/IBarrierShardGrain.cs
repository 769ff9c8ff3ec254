namespace Orleans.Barrier;

/// <summary>
/// One shard of a tiered barrier (<see cref="BarrierTopology.Tiered"/>), keyed <c>"{shard}/{barrier}"</c>. Participants
/// arrive here instead of at the barrier grain; the shard sends its waiting participants to the barrier grain as
/// coalesced arrivals and hands each its index from the release. It speaks the barrier grain's arrival protocol, so a
/// participant's poll loop is the same whichever grain it is aimed at; resets, aborts and status go to the barrier grain.
/// </summary>
[Alias("Orleans.Barrier.IBarrierShardGrain")]
internal interface IBarrierShardGrain : IGrainWithStringKey
{
    /// <summary>As <see cref="IBarrierGrain.WaitAsync(ArrivalRequest)"/>, for one participant's own arrival (no units, members, member ids, silo or shard).</summary>
    [Alias("Wait")]
    Task<ArrivalOutcome> WaitAsync(ArrivalRequest request);

    /// <summary>As <see cref="IBarrierGrain.CancelAsync(ArrivalId, int?)"/>: the participant leaves exactly, unless a release or break came first.</summary>
    [Alias("Cancel")]
    Task<ArrivalOutcome> CancelAsync(ArrivalId arrival, int? parties);
}
