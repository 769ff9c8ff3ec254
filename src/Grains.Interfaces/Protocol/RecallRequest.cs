namespace Orleans.Barrier;

/// <summary>
/// Asks what became of one member of a shard's coalesced arrival (one of its <see cref="ArrivalRequest.MemberIds"/>),
/// sent by a shard's new activation when a participant re-attaches to it. The barrier first retires the older epochs of
/// the shard, so no arrival of a dead activation can be released after the answer, then answers at once: the member's
/// remembered result, or <see cref="ArrivalOutcomeKind.Unknown"/> (it was not released; it joins the new activation).
/// </summary>
/// <remarks>Id 1 was the party count, which the barrier holds in its definition since; it stays retired.</remarks>
/// <param name="Member">The member's own arrival id.</param>
/// <param name="Shard">The asking shard's grain key.</param>
/// <param name="ShardEpoch">The asking activation's epoch (0 or more).</param>
[GenerateSerializer, Immutable]
[Alias("Orleans.Barrier.RecallRequest")]
internal sealed record RecallRequest(
    [property: Id(0)] ArrivalId Member,
    [property: Id(2)] string Shard,
    [property: Id(3)] long ShardEpoch);
