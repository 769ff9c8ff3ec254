namespace Orleans.Barrier.Demo;

/// <summary>A demo participant that lives in the cluster: it waits at a barrier from inside a silo.</summary>
[Alias("Orleans.Barrier.Demo.IDemoWorkerGrain")]
internal interface IDemoWorkerGrain : IGrainWithStringKey
{
    /// <summary>Returns the silo this worker was placed on (<c>ip:port</c>), so the demo can spread workers out.</summary>
    [Alias("GetSilo")]
    Task<string> GetSiloAsync();

    /// <summary>Waits <paramref name="delay"/>, then waits at the barrier; a broken barrier's exception flows back to the caller.</summary>
    /// <param name="barrier">The barrier's name.</param>
    /// <param name="parties">The barrier's party count.</param>
    /// <param name="delay">How long to wait before arriving, so the demo can stage early and late arrivals.</param>
    /// <param name="cancellationToken">Cancelled by the caller (Ctrl+C): Orleans carries it to the grain, which leaves the barrier.</param>
    [Alias("Arrive")]
    Task<WorkerReport> ArriveAsync(string barrier, int parties, TimeSpan delay, CancellationToken cancellationToken = default);
}
