namespace Orleans.Barrier;

/// <summary>
/// Reports members of a waiting coalesced arrival as lost where they waited: the shard of a tiered barrier saw their
/// own leases run out. The barrier breaks with <see cref="BrokenBarrierReason.ParticipantLost"/> naming them, unless a
/// release or break came first (then that outcome is the answer). Answered at once, never held.
/// </summary>
/// <param name="Id">The coalesced arrival the lost members belong to.</param>
/// <param name="Parties">The party count the sender expects; a mismatch fails the call.</param>
/// <param name="Lost">The lost members' names, at least one; each must be one the arrival stands for.</param>
[GenerateSerializer, Immutable]
[Alias("Orleans.Barrier.LossRequest")]
internal sealed record LossRequest(
    [property: Id(0)] ArrivalId Id,
    [property: Id(1)] int Parties,
    [property: Id(2)] IReadOnlyList<string> Lost);
