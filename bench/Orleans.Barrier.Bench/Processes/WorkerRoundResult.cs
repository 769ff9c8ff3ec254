namespace Orleans.Barrier.Bench.Processes;

/// <summary>
/// A client process's answer to a <see cref="WorkerRound"/>, one JSON line on its stdout: its participants'
/// timestamps and indices, phase-major (<c>phase * participants + participant</c>), or why the round failed.
/// </summary>
/// <param name="Round">The round's number, as the parent sent it.</param>
/// <param name="Arrived"><see cref="System.Diagnostics.Stopwatch"/> timestamps of the arrivals; null when the round failed.</param>
/// <param name="Released">Timestamps of the releases; null when the round failed.</param>
/// <param name="Indices">The index each release gave; null when the round failed.</param>
/// <param name="Error">The exception that failed the round, or null.</param>
internal sealed record WorkerRoundResult(int Round, long[]? Arrived, long[]? Released, int[]? Indices, string? Error);
