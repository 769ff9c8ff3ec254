namespace Orleans.Barrier;

/// <summary>A timeout or lease of a waiting arrival, as queued in a <see cref="DeadlineQueue{T}"/>.</summary>
/// <param name="Arrival">The arrival the deadline belongs to.</param>
/// <param name="Kind">Timeout or lease.</param>
/// <param name="At">When it passes.</param>
internal readonly record struct ScheduledDeadline(ArrivalId Arrival, DeadlineKind Kind, DateTimeOffset At);
