namespace Orleans.Barrier.Bench.Grains;

/// <summary>The floor: the cheapest call into one grain. N of these per phase is what any one-grain barrier must at least cost.</summary>
[Alias("Orleans.Barrier.Bench.IFloorGrain")]
internal interface IFloorGrain : IGrainWithStringKey
{
    /// <summary>Does nothing and answers at once.</summary>
    [Alias("Ping")]
    Task PingAsync();
}
