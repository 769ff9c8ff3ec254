using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.TestingHost;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Another client of a test cluster, as if in a separate process: its own host, connections and client id, set up
/// like the cluster's own client (same configurators, so the same short response timeout). It can be killed without
/// a goodbye, the way a participant's process dies. Needs a cluster on the TCP transport
/// (<see cref="OwnedCluster.DeployOverTcpAsync"/>): the in-memory one cannot be reached from outside the cluster object.
/// </summary>
internal sealed class AdditionalClient : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private AdditionalClient(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Connects a new client to <paramref name="cluster"/> through the gateway of its primary silo only.</summary>
    /// <remarks>
    /// A client waits a whole response timeout for an answer that was on its way through a gateway that died, so a
    /// test that kills a silo and times what its clients see connects them through the one silo that stays up (the
    /// primary anchors a test cluster's membership; tests kill only secondaries).
    /// </remarks>
    public static Task<AdditionalClient> ConnectThroughPrimaryAsync(TestCluster cluster)
        => ConnectAsync(cluster, cluster.Primary ?? throw new InvalidOperationException("The cluster has no primary silo."));

    /// <summary>Connects a new client to <paramref name="cluster"/> through the gateways of <paramref name="gateways"/> only.</summary>
    public static async Task<AdditionalClient> ConnectAsync(TestCluster cluster, params SiloHandle[] gateways)
    {
        if (cluster.Options.ConnectionTransport != ConnectionTransportType.TcpSocket)
        {
            throw new InvalidOperationException("Additional clients need a cluster on the TCP transport; deploy it with OwnedCluster.DeployOverTcpAsync.");
        }

        if (gateways.Length == 0)
        {
            throw new ArgumentException("Name at least one silo to connect through.", nameof(gateways));
        }

        var configuration = new ConfigurationBuilder();
        foreach (var source in cluster.ConfigurationSources)
        {
            configuration.Add(source);
        }

        // The same keys the test cluster gives its own client, with only the chosen gateways.
        var clustering = new Dictionary<string, string?> { ["Orleans:Clustering:ProviderType"] = "Development" };
        for (var i = 0; i < gateways.Length; i++)
        {
            clustering[$"Orleans:Clustering:Gateways:{i}"] = gateways[i].GatewayAddress.Endpoint.ToString();
        }

        configuration.AddInMemoryCollection(clustering);
        var host = TestClusterHostFactory.CreateClusterClient($"AdditionalClient-{Guid.NewGuid():N}", configuration.Build());
        try
        {
            await host.StartAsync().WaitAsync(TestBounds.Default);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new AdditionalClient(host);
    }

    /// <summary>
    /// Kills the client as a crash would: stops it with an already-cancelled token and disposes it. Its pending calls
    /// fail locally; nothing (no cancellation of its waits) is sent to the cluster.
    /// </summary>
    public async Task KillAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        try
        {
            await _host.StopAsync(cancelled.Token).WaitAsync(TestBounds.Default);
        }
        catch (OperationCanceledException)
        {
            // A stop with a cancelled token gives up on whatever it would have waited for, which is the point.
        }
        finally
        {
            _host.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        try
        {
            await _host.StopAsync().WaitAsync(TestBounds.Default);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
