namespace Orleans.Barrier.Bench.Reporting;

/// <summary>
/// One scenario at one party count; see <see cref="FloorRatios"/> for the ratios. Allocations and CPU are this process's,
/// so null for a row whose participants ran in client processes (<c>--processes</c>).
/// </summary>
internal sealed record LatencyRow(
    int Parties,
    string Scenario,
    BarrierTopology? Topology,
    int Rounds,
    int PhasesPerRound,
    int Samples,
    double MedianMs,
    double P99Ms,
    double PhasesPerSecond,
    double ArrivalsPerSecond,
    double? AllocatedBytesPerArrival,
    double? CpuMicrosecondsPerArrival,
    FloorRatios ToFloor)
{
    /// <summary>Wait calls into the barrier grain per phase (the floor makes N calls); null for the references.</summary>
    public double? BarrierCallsPerPhase { get; init; }
}
