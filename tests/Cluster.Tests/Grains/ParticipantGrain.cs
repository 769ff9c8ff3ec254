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

    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);
}
