namespace Orleans.Barrier;

/// <summary>A member of the latest release: its index is its position in <see cref="BarrierSnapshot.LastRelease"/>.</summary>
/// <param name="Arrival">The arrival that was released.</param>
/// <param name="Participant">Its participant's name, for <see cref="BarrierStatus.Missing"/>.</param>
internal readonly record struct ReleasedArrival(ArrivalId Arrival, string Participant);
