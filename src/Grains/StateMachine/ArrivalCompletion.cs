namespace Orleans.Barrier;

/// <summary>A waiting arrival that a transition completed: the grain wakes that arrival's pending polls with <paramref name="Result"/>.</summary>
/// <param name="Arrival">The arrival that was completed.</param>
/// <param name="Result">Its final result.</param>
internal readonly record struct ArrivalCompletion(ArrivalId Arrival, ArrivalResult Result);
