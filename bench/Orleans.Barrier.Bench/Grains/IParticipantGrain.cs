using Orleans.Barrier.Bench.Scenarios;

namespace Orleans.Barrier.Bench.Grains;

/// <summary>A co-hosted participant (<c>--participants grain</c>): runs a round's phases from inside a silo.</summary>
[Alias("Orleans.Barrier.Bench.IParticipantGrain")]
internal interface IParticipantGrain : IGrainWithIntegerKey
{
    /// <summary>Takes part in every phase of <paramref name="run"/>, running free, and returns when and with what index each phase released it.</summary>
    /// <remarks>A round may outlast the default response timeout; the barrier's own waits inside stay bounded by it.</remarks>
    [Alias("Run")]
    [ResponseTimeout("00:10:00")]
    Task<ParticipantTimeline> RunAsync(PhaseRun run);
}
