namespace Orleans.Barrier;

/// <summary>One entry of a <see cref="DeadlineSchedule"/>.</summary>
/// <param name="Arrival">The arrival the deadline belongs to.</param>
/// <param name="Kind">Timeout or lease.</param>
/// <param name="At">When it passes.</param>
internal readonly record struct ScheduledDeadline(ArrivalId Arrival, DeadlineKind Kind, DateTimeOffset At);
