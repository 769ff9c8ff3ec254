using Orleans.Barrier.Demo;

namespace Orleans.Barrier.Client.Demo;

/// <summary>A worker grain that has been activated, and the silo (<c>ip:port</c>) it landed on.</summary>
internal sealed record PlacedWorker(IDemoWorkerGrain Grain, string Silo);
