namespace Orleans.Barrier;

/// <summary>A member of the latest release. Indices follow the order of <see cref="BarrierSnapshot.LastRelease"/>: each member takes as many as its units.</summary>
/// <param name="Arrival">The arrival that was released.</param>
/// <param name="Participant">Its participant's name, for <see cref="BarrierStatus.Missing"/>.</param>
/// <param name="Units">How many participants it stood for (more than 1 for a coalesced arrival).</param>
internal readonly record struct ReleasedArrival(ArrivalId Arrival, string Participant, int Units = 1);
