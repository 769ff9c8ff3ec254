namespace Orleans.Barrier;

/// <summary>
/// A tiered barrier's shard as kept in grain storage: only how many activations it has had. Each activation takes the
/// next epoch, and the barrier grain lets a shard's newer epoch supersede its older one's arrivals, so participants
/// that re-attach after the shard's silo died are never counted twice.
/// </summary>
[GenerateSerializer]
[Alias("Orleans.Barrier.Stored.Shard.v1")]
internal sealed class StoredShard
{
    /// <summary>The epoch of the latest activation.</summary>
    [Id(0)]
    public long Epoch { get; set; }
}
