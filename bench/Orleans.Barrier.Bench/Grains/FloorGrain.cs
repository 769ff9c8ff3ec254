using Orleans.Concurrency;

namespace Orleans.Barrier.Bench.Grains;

/// <summary>A no-op grain; reentrant like the barrier grain, so both are scheduled alike.</summary>
[Reentrant]
internal sealed class FloorGrain : Grain, IFloorGrain
{
    public Task PingAsync() => Task.CompletedTask;
}
