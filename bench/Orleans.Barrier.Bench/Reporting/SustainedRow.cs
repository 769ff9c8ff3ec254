namespace Orleans.Barrier.Bench.Reporting;

/// <summary>Our barrier running free for a while: does the heap stay bounded?</summary>
internal sealed record SustainedRow(
    string Scenario,
    BarrierTopology? Topology,
    int Parties,
    double Seconds,
    long Phases,
    long Arrivals,
    long HeapStartBytes,
    long HeapEndBytes,
    double GrowthBytesPer1000Arrivals,
    IReadOnlyList<HeapSample> Samples);
