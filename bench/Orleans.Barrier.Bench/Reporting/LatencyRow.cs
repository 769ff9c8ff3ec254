namespace Orleans.Barrier.Bench.Reporting;

/// <summary>One scenario at one party count; see <see cref="FloorRatios"/> for the ratios.</summary>
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
    double AllocatedBytesPerArrival,
    double CpuMicrosecondsPerArrival,
    FloorRatios ToFloor);
