namespace Orleans.Barrier.Bench.Scenarios;

/// <summary>One participant's record of a round: per phase, when it arrived, when it was released and with what index.</summary>
/// <param name="Arrived"><see cref="System.Diagnostics.Stopwatch"/> timestamps, one per phase.</param>
/// <param name="Released">Timestamps of the releases, one per phase.</param>
/// <param name="Indices">The index each release gave.</param>
[GenerateSerializer, Immutable]
[Alias("Orleans.Barrier.Bench.ParticipantTimeline")]
internal sealed record ParticipantTimeline(
    [property: Id(0)] long[] Arrived,
    [property: Id(1)] long[] Released,
    [property: Id(2)] int[] Indices)
{
    public static ParticipantTimeline Create(int phases) => new(new long[phases], new long[phases], new int[phases]);
}
