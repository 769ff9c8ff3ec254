using Orleans.TestingHost;

namespace Orleans.Barrier.Tests;

/// <summary>
/// A cluster that one test deploys for itself, because it needs what the shared one does not have (another
/// transport, other host options) or because it destroys part of it. Disposing it shuts the cluster down, bounded.
/// </summary>
internal sealed class OwnedCluster : IAsyncDisposable
{
    private OwnedCluster(TestCluster cluster) => Cluster = cluster;

    public TestCluster Cluster { get; }

    /// <summary>The cluster's own client, connected to every silo's gateway.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>Deploys a cluster of <paramref name="silos"/> silos set up like the shared one, plus <paramref name="configure"/>.</summary>
    public static async Task<OwnedCluster> DeployAsync(short silos, Action<TestClusterBuilder>? configure = null)
        => new(await BarrierClusterFixture.DeployAsync(silos, configure));

    /// <summary>
    /// As <see cref="DeployAsync"/>, over real TCP connections instead of the in-memory transport, so that
    /// <see cref="AdditionalClient"/>s can connect to it like separate processes.
    /// </summary>
    public static Task<OwnedCluster> DeployOverTcpAsync(short silos)
        => DeployAsync(silos, builder => builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket);

    public async ValueTask DisposeAsync() => await BarrierClusterFixture.ShutDownAsync(Cluster);
}
