namespace Orleans.Barrier.Bench.Measurement;

/// <summary>What one round of one scenario measured.</summary>
/// <param name="PhaseLatenciesMs">Per phase: from its first arrival to its last release, in milliseconds.</param>
/// <param name="DurationMs">From the round's first arrival to its last release.</param>
/// <param name="Phases">Phases run.</param>
/// <param name="Arrivals">Arrivals made (phases × parties).</param>
/// <param name="AllocatedBytes">Bytes allocated by the whole process (client and silo) during the round.</param>
/// <param name="Cpu">CPU time used by the whole process during the round.</param>
internal sealed record RoundMeasurement(double[] PhaseLatenciesMs, double DurationMs, int Phases, long Arrivals, long AllocatedBytes, TimeSpan Cpu)
{
    /// <summary>Wait calls the barrier grains received during the round (0 for the references, which use no barrier grain).</summary>
    public long BarrierCalls { get; init; }
}
