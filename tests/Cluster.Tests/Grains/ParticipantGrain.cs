using Orleans.Concurrency;
using Orleans.Placement;

namespace Orleans.Barrier.Tests;

/// <summary>Random placement spreads participants over the silos.</summary>
[RandomPlacement]
[Reentrant]
public sealed class ParticipantGrain : Grain, IParticipantGrain
{
    public Task<int> WaitAsync(string barrier, int parties, TimeSpan? timeout)
    {
        var handle = GrainFactory.GetBarrier(barrier, parties);
        return timeout is { } t ? handle.WaitAsync(t) : handle.WaitAsync();
    }

    public Task<int> WaitLongAsync(string barrier, int parties) => GrainFactory.GetBarrier(barrier, parties).WaitAsync();

    public Task<int> WaitWithOptionsAsync(string barrier, int parties, string? participant, TimeSpan? lease, ParticipantLossPolicy onParticipantLost)
        => GetBarrier(barrier, parties, participant, lease, onParticipantLost).WaitAsync();

    public Task StartWaitWithOptionsAsync(string barrier, int parties, string? participant, TimeSpan? lease, ParticipantLossPolicy onParticipantLost)
    {
        // Nobody awaits this wait: the tests that start it kill the silo it runs on before it can end.
        _ = GetBarrier(barrier, parties, participant, lease, onParticipantLost).WaitAsync();
        return Task.CompletedTask;
    }

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);

    private IDistributedBarrier GetBarrier(string barrier, int parties, string? participant, TimeSpan? lease, ParticipantLossPolicy onParticipantLost)
        => GrainFactory.GetBarrier(barrier, new BarrierOptions
        {
            Parties = parties,
            Participant = participant,
            LeaseDuration = lease,
            OnParticipantLost = onParticipantLost,
        });
}
