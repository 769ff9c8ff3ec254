namespace Orleans.Barrier.Bench.Processes;

/// <summary>A client process's first line on stdout: its client is connected and it takes rounds now.</summary>
/// <param name="ProcessId">The client process's id, for its failure messages.</param>
/// <param name="StopwatchFrequency">Its <see cref="System.Diagnostics.Stopwatch.Frequency"/>: its timestamps compare with this process's only if both clocks tick alike.</param>
internal sealed record WorkerReady(int ProcessId, long StopwatchFrequency);
