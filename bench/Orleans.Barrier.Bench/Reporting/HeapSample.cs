namespace Orleans.Barrier.Bench.Reporting;

/// <summary>The heap during a sustained run, without forcing a collection (so it includes garbage not yet collected).</summary>
internal sealed record HeapSample(double Seconds, long Arrivals, long HeapBytes);
