namespace Orleans.Barrier;

/// <summary>
/// Reports members of a waiting coalesced arrival as lost where they waited: the shard of a tiered barrier saw their
/// own leases run out. The barrier breaks with <see cref="BrokenBarrierReason.ParticipantLost"/> naming them, unless a
/// release or break came first (then that outcome is the answer). Answered at once, never held.
/// </summary>
/// <remarks>Id 1 was the party count, which the barrier holds in its definition since; it stays retired.</remarks>
/// <param name="Id">The coalesced arrival the lost members belong to.</param>
/// <param name="Lost">The lost members' names, at least one; each must be one the arrival stands for.</param>
[GenerateSerializer, Immutable]
[Alias("Orleans.Barrier.LossRequest")]
internal sealed record LossRequest(
    [property: Id(0)] ArrivalId Id,
    [property: Id(2)] IReadOnlyList<string> Lost);
