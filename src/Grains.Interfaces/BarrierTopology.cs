namespace Orleans.Barrier;

/// <summary>How a barrier is laid out over the cluster.</summary>
[GenerateSerializer]
[Alias("Orleans.Barrier.BarrierTopology")]
public enum BarrierTopology
{
    /// <summary>Let the barrier choose. Today that is always <see cref="SingleGrain"/>: see the README's Performance section for where tiers pay off.</summary>
    Auto,

    /// <summary>One grain counts every arrival.</summary>
    SingleGrain,

    /// <summary>Waits go to shard grains spread over the silos, which coalesce them and report to the barrier grain (the root).</summary>
    Tiered,
}
