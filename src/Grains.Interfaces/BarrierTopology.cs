namespace Orleans.Barrier;

/// <summary>How a barrier is laid out over the cluster.</summary>
[GenerateSerializer]
[Alias("Orleans.Barrier.BarrierTopology")]
public enum BarrierTopology
{
    /// <summary>
    /// Let the barrier choose: <see cref="SingleGrain"/>, except for a handle that does not coalesce its process's
    /// arrivals (<see cref="BarrierOptions.CoalesceArrivals"/> = false) on a barrier of 16,384 parties or more, which is
    /// <see cref="Tiered"/> (the README's Performance section has the measurements).
    /// </summary>
    Auto,

    /// <summary>One grain counts every arrival.</summary>
    SingleGrain,

    /// <summary>Waits go to shard grains spread over the silos, which coalesce them and report to the barrier grain (the root).</summary>
    Tiered,
}
