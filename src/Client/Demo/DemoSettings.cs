using Orleans.Barrier.Client.Connection;

namespace Orleans.Barrier.Client.Demo;

/// <summary>How the demo runs.</summary>
/// <param name="RunningCluster">A running cluster to use, or <see langword="null"/> to start an embedded one.</param>
/// <param name="ClusterId">The cluster id, for the embedded cluster or the running one.</param>
/// <param name="ServiceId">The service id, likewise.</param>
/// <param name="Verbose">Whether to show Orleans' informational logging.</param>
internal sealed record DemoSettings(ClusterSettings? RunningCluster, string ClusterId, string ServiceId, bool Verbose);
