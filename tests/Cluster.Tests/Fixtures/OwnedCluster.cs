using Orleans.Barrier.Testing;
using Orleans.TestingHost;

namespace Orleans.Barrier.Tests;

/// <summary>
/// A cluster that one test deploys for itself, because it needs what the shared one does not have (another
/// transport, other host options) or because it destroys part of it. Disposing it shuts the cluster down, bounded.
/// </summary>
internal sealed class OwnedCluster : IAsyncDisposable
{
    private readonly BarrierTestClock? _clock;

    private OwnedCluster(TestCluster cluster, BarrierTestClock? clock = null)
    {
        Cluster = cluster;
        _clock = clock;
    }

    public TestCluster Cluster { get; }

    /// <summary>The barrier clock of every silo and client, which the test moves; only for a cluster deployed with one.</summary>
    public BarrierTestClock Clock => _clock ?? throw new InvalidOperationException("This cluster runs barriers on the system clock.");

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

    /// <summary>
    /// Deploys a cluster of <paramref name="silos"/> silos whose barriers run on a <see cref="Clock"/> the test moves,
    /// over TCP when <paramref name="overTcp"/> (for <see cref="AdditionalClient"/>s, which get the clock too).
    /// </summary>
    public static async Task<OwnedCluster> DeployWithTestClockAsync(short silos, bool overTcp = false)
    {
        BarrierTestClock? clock = null;
        var cluster = await BarrierClusterFixture.DeployAsync(silos, builder =>
        {
            if (overTcp)
            {
                builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
            }

            clock = BarrierTestClock.Attach(builder);
        });
        return new(cluster, clock);
    }

    public async ValueTask DisposeAsync()
    {
        await BarrierClusterFixture.ShutDownAsync(Cluster);
        _clock?.Dispose();
    }
}
