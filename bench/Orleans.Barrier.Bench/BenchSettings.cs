namespace Orleans.Barrier.Bench;

/// <summary>What one bench run measures and how hard; built from the command line by <see cref="BenchCommandLine"/>.</summary>
internal sealed record BenchSettings
{
    /// <summary>The party counts of the latency table, in order.</summary>
    public required IReadOnlyList<int> Parties { get; init; }

    /// <summary>The topologies of our barrier, one table row each; ones the build refuses are reported and skipped.</summary>
    public required IReadOnlyList<BarrierTopology> Topologies { get; init; }

    /// <summary>The latency table's rows: any of floor, naive, ours, coalesced.</summary>
    public required IReadOnlySet<string> Rows { get; init; }

    /// <summary>Who the participants are: tasks on the external client, or grains on the silos.</summary>
    public required ParticipantMode Participants { get; init; }

    /// <summary>Silos in the embedded cluster.</summary>
    public required int Silos { get; init; }

    /// <summary>External clients in the embedded cluster, as if separate processes; client participants are spread over them round-robin.</summary>
    public required int Clients { get; init; }

    /// <summary>
    /// Client processes the latency rounds' participants run in (all but the floor's), or 0 to run every participant in this
    /// process. Only with <see cref="ParticipantMode.Client"/>.
    /// </summary>
    public int Processes { get; init; }

    /// <summary>The shard count of our tiered barrier's handles (<see cref="BarrierOptions.Shards"/>); null leaves it to the library.</summary>
    public int? Shards { get; init; }

    /// <summary>How long every scenario runs, unmeasured, before the first measured round, so the JIT has settled.</summary>
    public required TimeSpan WarmUp { get; init; }

    /// <summary>Measured rounds per party count; each round runs every scenario once, in a rotated order.</summary>
    public required int Rounds { get; init; }

    /// <summary>How many arrivals one round of one scenario aims at: its phases are this divided by the party count, clamped.</summary>
    public required int ArrivalsPerRound { get; init; }

    /// <summary>The fewest phases a round runs, however large the party count.</summary>
    public required int MinPhases { get; init; }

    /// <summary>The most phases a round runs, however small the party count.</summary>
    public required int MaxPhases { get; init; }

    /// <summary>Waiters parked to measure memory per waiting participant; 0 skips the section.</summary>
    public required int MemoryWaiters { get; init; }

    /// <summary>How long N = 2 runs free to show whether memory stays bounded; zero skips the section.</summary>
    public required TimeSpan Sustain { get; init; }

    /// <summary>Waiters parked while the process's CPU time is measured; 0 skips the section.</summary>
    public required int IdleWaiters { get; init; }

    /// <summary>How long the idle CPU is measured, once without and once with the parked waiters.</summary>
    public required TimeSpan IdleWindow { get; init; }

    /// <summary>The longest one round may take before the run fails, so a hang cannot stall CI.</summary>
    public required TimeSpan RoundTimeout { get; init; }

    /// <summary>Where to write the JSON report, if anywhere.</summary>
    public string? JsonPath { get; init; }

    /// <summary>Whether these are the <c>--quick</c> defaults (a smoke test, not a measurement).</summary>
    public bool Quick { get; init; }

    /// <summary>Phases per round for <paramref name="parties"/> participants.</summary>
    public int PhasesFor(int parties) => Math.Clamp(ArrivalsPerRound / parties, MinPhases, MaxPhases);
}
