namespace Orleans.Barrier;

/// <summary>One arrival waiting at a barrier, as listed in <see cref="BarrierStatus.Waiters"/>.</summary>
/// <param name="Participant">Its name: <see cref="BarrierOptions.Participant"/> if given, else the calling grain's id, else the client's id.</param>
/// <param name="Silo">The silo the participant grain runs on; <see langword="null"/> for a client or when not known.</param>
/// <param name="ArrivedAt">When the barrier first saw this arrival (re-attached arrivals: when the current activation saw it).</param>
[GenerateSerializer, Immutable]
[Alias("Orleans.Barrier.BarrierWaiter")]
public sealed record BarrierWaiter(
    [property: Id(0)] string Participant,
    [property: Id(1)] string? Silo,
    [property: Id(2)] DateTimeOffset ArrivedAt)
{
    /// <summary>
    /// How many participants this arrival stands for: 1, or more when one process coalesced several of its
    /// participants' arrivals into one (they share its name).
    /// </summary>
    [Id(3)]
    public int Count { get; init; } = 1;
}
