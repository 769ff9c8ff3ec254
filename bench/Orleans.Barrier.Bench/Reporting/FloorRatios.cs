namespace Orleans.Barrier.Bench.Reporting;

/// <summary>
/// Each figure divided by the floor's at the same party count, in the same run: for latencies, allocations and CPU lower is better; for the rate higher is.
/// Allocations and CPU are null for a row whose participants ran in client processes, which this process's figures do not see.
/// </summary>
internal sealed record FloorRatios(double MedianMs, double P99Ms, double PhasesPerSecond, double? AllocatedBytesPerArrival, double? CpuMicrosecondsPerArrival);
