using System.Diagnostics;

namespace Orleans.Barrier.Bench.Scenarios;

/// <summary>One participant running free: released from a phase, it arrives at the next at once.</summary>
/// <remarks>No <c>ConfigureAwait(false)</c> here or in the participants: in a participant grain that would leave the grain's scheduler.</remarks>
internal static class ParticipantLoop
{
    public static async Task RunAsync(IPhaseParticipant participant, int phases, PhaseRecorder recorder)
    {
        for (var phase = 0; phase < phases; phase++)
        {
            recorder.Arrived(phase, Stopwatch.GetTimestamp());
            var index = await participant.ArriveAsync();
            recorder.Released(phase, Stopwatch.GetTimestamp(), index);
        }
    }
}
