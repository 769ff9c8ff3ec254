namespace Orleans.Barrier;

/// <summary>How a barrier is laid out over the cluster.</summary>
[GenerateSerializer]
[Alias("Orleans.Barrier.BarrierTopology")]
public enum BarrierTopology
{
    /// <summary>Let the barrier choose by size. Today that is always <see cref="SingleGrain"/>.</summary>
    Auto,

    /// <summary>One grain counts every arrival.</summary>
    SingleGrain,

    /// <summary>Shard grains count local arrivals and report to a root. Not built yet: refused by <c>GetBarrier</c>.</summary>
    Tiered,
}
