namespace Orleans.Barrier;

/// <summary>The output of one state machine step: the caller's own result and every other arrival it completed.</summary>
/// <param name="Result">The result for the arrival that made the call (pending for reset, abort and ticks).</param>
/// <param name="Completions">Waiting arrivals completed by this step, in arrival order.</param>
internal readonly record struct BarrierTransition(ArrivalResult Result, IReadOnlyList<ArrivalCompletion> Completions)
{
    public static BarrierTransition Only(ArrivalResult result) => new(result, []);
}
