namespace Orleans.Barrier.Bench.Scenarios;

/// <summary>One round of one scenario, as each participant needs to know it (sent to participant grains).</summary>
/// <param name="Kind">What each participant does per phase.</param>
/// <param name="Topology">Our barrier's topology, for <see cref="ScenarioKind.Barrier"/>.</param>
/// <param name="Key">The grain or barrier name.</param>
/// <param name="Parties">Participants per phase.</param>
/// <param name="Phases">Phases to run.</param>
/// <param name="Rendezvous">The floor's local rendezvous in this process (<see cref="LocalRendezvous.Find"/>).</param>
[GenerateSerializer, Immutable]
[Alias("Orleans.Barrier.Bench.PhaseRun")]
internal sealed record PhaseRun(
    [property: Id(0)] ScenarioKind Kind,
    [property: Id(1)] BarrierTopology Topology,
    [property: Id(2)] string Key,
    [property: Id(3)] int Parties,
    [property: Id(4)] int Phases,
    [property: Id(5)] Guid Rendezvous)
{
    /// <summary>Whether our barrier's client participants coalesce their arrivals.</summary>
    [Id(6)]
    public bool Coalesced { get; init; }

    /// <summary>The shard count of our tiered barrier's handles (<see cref="BarrierOptions.Shards"/>); null leaves it to the library.</summary>
    [Id(7)]
    public int? Shards { get; init; }
}
