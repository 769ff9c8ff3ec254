using Orleans.Barrier.Bench.Scenarios;

namespace Orleans.Barrier.Bench.Grains;

/// <inheritdoc cref="IParticipantGrain" />
internal sealed class ParticipantGrain : Grain, IParticipantGrain
{
    public async Task<ParticipantTimeline> RunAsync(PhaseRun run)
    {
        var timeline = ParticipantTimeline.Create(run.Phases);
        await ParticipantLoop.RunAsync(PhaseParticipants.Create(GrainFactory, run), run.Phases, new PhaseRecorder(timeline));
        return timeline;
    }
}
