using Orleans.Barrier.Bench.Scenarios;

namespace Orleans.Barrier.Bench.Processes;

/// <summary>One round for one client process, one JSON line on its stdin: the round's <see cref="PhaseRun"/> and this process's share of its participants.</summary>
/// <param name="Round">The parent's number for the round, echoed in the result, so a late answer to an earlier round cannot pass for this one's.</param>
/// <param name="Kind">What each participant does per phase: the naive barrier or ours (the floor's rendezvous cannot span processes).</param>
/// <param name="Topology">Our barrier's topology, for <see cref="ScenarioKind.Barrier"/>.</param>
/// <param name="Key">The grain or barrier name.</param>
/// <param name="Parties">Participants per phase over all processes: the barrier's party count.</param>
/// <param name="Phases">Phases each participant runs.</param>
/// <param name="Coalesced">Whether our barrier's handles coalesce this process's arrivals.</param>
/// <param name="Shards">Our tiered barrier's shard count; null leaves it to the library.</param>
/// <param name="Participants">How many of the parties this process runs.</param>
internal sealed record WorkerRound(
    int Round,
    ScenarioKind Kind,
    BarrierTopology Topology,
    string Key,
    int Parties,
    int Phases,
    bool Coalesced,
    int? Shards,
    int Participants)
{
    /// <summary>The run as the participants on this process's client take it; no local rendezvous.</summary>
    public PhaseRun ToPhaseRun() => new(Kind, Topology, Key, Parties, Phases, Guid.Empty) { Coalesced = Coalesced, Shards = Shards };
}
