using Orleans.Placement;
using Orleans.Runtime;

namespace Orleans.Barrier.Demo;

/// <summary>
/// A worker that arrives at a barrier from inside a silo. Random placement spreads workers over the silos, which
/// is the point of the demo: participants on different silos meeting at one barrier.
/// </summary>
/// <remarks>
/// It ships in src/Silo, so a running cluster of stock silos has grain participants for the demo too (the CLI compiles
/// the same file for its embedded cluster).
/// </remarks>
[RandomPlacement]
internal sealed class DemoWorkerGrain(ILocalSiloDetails silo) : Grain, IDemoWorkerGrain
{
    private string SiloEndpoint => silo.SiloAddress.Endpoint.ToString();

    public Task<string> GetSiloAsync() => Task.FromResult(SiloEndpoint);

    public async Task<WorkerReport> ArriveAsync(string barrier, int parties, TimeSpan delay, CancellationToken cancellationToken)
    {
        // The caller's cancellation reaches us here, so a cancelled demo never leaves a late arrival behind.
        await Task.Delay(delay, cancellationToken);
        var arrivedAt = DateTimeOffset.UtcNow;

        // A BrokenBarrierException thrown here is serialized back to the caller with its Reason intact.
        var index = await GrainFactory.GetBarrier(barrier, parties).WaitAsync(cancellationToken);
        return new WorkerReport(SiloEndpoint, arrivedAt, DateTimeOffset.UtcNow, index);
    }
}
