namespace Orleans.Barrier.Bench.Scenarios;

/// <summary>One row per party count in the latency table: a kind of phase and, for ours, the topology.</summary>
/// <param name="Kind">What each participant does per phase.</param>
/// <param name="Topology">Our barrier's topology; meaningless for the references.</param>
/// <param name="Coalesced">Our barrier with the client's arrivals coalesced (<see cref="BarrierOptions.CoalesceArrivals"/>); meaningless for the references.</param>
/// <param name="Shards">Our tiered barrier's shard count (<see cref="BarrierOptions.Shards"/>); null leaves it to the library, and it is null for the rest.</param>
internal sealed record Scenario(ScenarioKind Kind, BarrierTopology Topology = BarrierTopology.SingleGrain, bool Coalesced = false, int? Shards = null)
{
    public static readonly Scenario Floor = new(ScenarioKind.Floor);

    public static readonly Scenario NaiveBarrier = new(ScenarioKind.NaiveBarrier);

    /// <summary>The row's name in the table and the JSON.</summary>
    public string Label => Kind switch
    {
        ScenarioKind.Floor => "floor",
        ScenarioKind.NaiveBarrier => "naive barrier",
        _ => Coalesced ? $"ours ({Topology}, coalesced)" : $"ours ({Topology})",
    };

    /// <summary>Our barrier's topology, or null for a reference; the topology column of the JSON.</summary>
    public BarrierTopology? BarrierTopology => Kind == ScenarioKind.Barrier ? Topology : null;

    /// <summary>The grain or barrier name this scenario uses for <paramref name="parties"/> participants.</summary>
    public string KeyFor(int parties) => Kind switch
    {
        ScenarioKind.Floor => $"floor-{parties}",
        ScenarioKind.NaiveBarrier => $"naive-{parties}",
        _ => $"bench-{Topology}-{(Coalesced ? "coalesced-" : "")}{parties}",
    };

    public static Scenario Barrier(BarrierTopology topology, bool coalesced, int? shards) => new(ScenarioKind.Barrier, topology, coalesced, shards);

    /// <summary>Options for our barrier in this scenario with <paramref name="parties"/> parties.</summary>
    public BarrierOptions OptionsFor(int parties) => new() { Parties = parties, Topology = Topology, CoalesceArrivals = Coalesced, Shards = Shards };
}
