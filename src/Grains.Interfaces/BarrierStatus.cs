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
}
