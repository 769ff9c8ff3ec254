namespace Orleans.Barrier;

/// <summary>
/// Identifies one arrival at a barrier. A participant's handle makes one per <c>WaitAsync</c> call and re-sends
/// it with every re-issued wait, which is what makes arrivals idempotent and lets a wait outlive the Orleans
/// response timeout.
/// </summary>
/// <param name="Value">The unique value.</param>
[GenerateSerializer, Immutable]
[Alias("Orleans.Barrier.ArrivalId")]
internal readonly record struct ArrivalId([property: Id(0)] Guid Value)
{
    /// <summary>Makes a new, unique arrival id.</summary>
    public static ArrivalId New() => new(Guid.NewGuid());

    /// <inheritdoc />
    public override string ToString() => Value.ToString("N")[..12];
}
