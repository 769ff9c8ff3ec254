namespace Orleans.Barrier.Tests.Model;

/// <summary>What the model says one step answers: the caller's result and every waiting arrival the step completed.</summary>
/// <param name="Result">The caller's result (pending for reset, abort and ticks).</param>
/// <param name="Completions">The arrivals completed by the step, with their results; order is not part of the contract.</param>
internal readonly record struct ModelStep(ArrivalResult Result, IReadOnlyDictionary<ArrivalId, ArrivalResult> Completions)
{
    /// <summary>The machine must refuse the call (throw) and change nothing.</summary>
    public bool Refused { get; init; }

    /// <summary>The shard and lost-member rules the step applied, so a run can show each was reached.</summary>
    public ModelRules Fired { get; init; }
}
