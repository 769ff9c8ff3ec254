using Orleans.Barrier.Demo;

namespace Orleans.Barrier.Client.Demo;

/// <summary>One party in the demo: a worker grain on some silo, or (with no grain) this client process itself.</summary>
/// <param name="Name">The name shown in the timeline, e.g. <c>worker-1</c>.</param>
/// <param name="Location">Where it runs, e.g. <c>silo-2</c> or <c>this process</c>.</param>
/// <param name="Worker">The worker grain, or <see langword="null"/> for the client.</param>
internal sealed record DemoParticipant(string Name, string Location, IDemoWorkerGrain? Worker)
{
    /// <summary>How the timeline names it: who and where.</summary>
    public string Label => Worker is null ? $"{Name} ({Location})" : $"{Name} on {Location}";

    /// <summary>A participant that is this client process itself.</summary>
    public static DemoParticipant InThisProcess(string name) => new(name, "this process", Worker: null);

    /// <summary>Waits <paramref name="delay"/>, then arrives at the barrier and waits for the release.</summary>
    /// <exception cref="BrokenBarrierException">The barrier broke; for a worker, thrown in its silo and carried back here.</exception>
    public async Task<WorkerReport> ArriveAsync(IGrainFactory client, string barrier, int parties, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (Worker is { } worker)
        {
            return await worker.ArriveAsync(barrier, parties, delay, cancellationToken);
        }

        await Task.Delay(delay, cancellationToken);
        var arrivedAt = DateTimeOffset.UtcNow;
        var index = await client.GetBarrier(barrier, parties).WaitAsync(cancellationToken);
        return new WorkerReport(string.Empty, arrivedAt, DateTimeOffset.UtcNow, index);
    }
}
