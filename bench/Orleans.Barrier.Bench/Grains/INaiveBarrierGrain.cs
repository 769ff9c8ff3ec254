namespace Orleans.Barrier.Bench.Grains;

/// <summary>
/// A second reference: the barrier anyone would write first, one grain with a counter and one completion source.
/// No arrival ids, no long-polling (a wait longer than the response timeout fails), no cancellation, no leases.
/// </summary>
[Alias("Orleans.Barrier.Bench.INaiveBarrierGrain")]
internal interface INaiveBarrierGrain : IGrainWithStringKey
{
    /// <summary>Counts the arrival and answers when the <paramref name="parties"/>-th arrives, with its index in arrival order.</summary>
    [Alias("Arrive")]
    Task<int> ArriveAsync(int parties);

    /// <summary>How many arrivals wait now.</summary>
    [Alias("GetWaiting")]
    Task<int> GetWaitingAsync();

    /// <summary>Answers every waiting arrival (with index -1) and starts an empty phase; ends a measurement that parked waiters.</summary>
    [Alias("ReleaseAll")]
    Task ReleaseAllAsync();
}
