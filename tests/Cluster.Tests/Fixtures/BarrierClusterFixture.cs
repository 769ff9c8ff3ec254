using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Barrier.Testing;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Orleans.Barrier.Tests;

/// <summary>
/// One real two-silo <see cref="TestCluster"/> shared by the cluster tests. Silos and client use a short
/// response timeout, so any wait that outlives it proves the long-poll design rather than a lucky timeout.
/// </summary>
public class BarrierClusterFixture : IAsyncLifetime
{
    /// <summary>The Orleans response timeout of every silo and of the client.</summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(3);

    private readonly BarrierStorage _storage;
    private TestCluster? _cluster;

    /// <summary>Barrier state in <see cref="BarrierStorage.InProcess"/>.</summary>
    public BarrierClusterFixture()
        : this(BarrierStorage.InProcess)
    {
    }

    /// <summary>Barrier state in <paramref name="storage"/>.</summary>
    protected BarrierClusterFixture(BarrierStorage storage) => _storage = storage;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException($"No cluster: {_storage} is not available here, and its tests skip.");

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        // Where the storage cannot run outside CI the tests skip, each saying why; a fixture cannot skip them.
        if (_storage.MustDeploy)
        {
            _cluster = await _storage.DeployAsync(silos: 2);
        }
    }

    /// <summary>Starts a cluster of <paramref name="silos"/> silos hosting barriers, all with the short <see cref="ResponseTimeout"/>.</summary>
    /// <param name="silos">How many silos to start.</param>
    /// <param name="configure">More set-up for the cluster (a test's own configurators, the transport); it runs after these defaults, so it may override them.</param>
    public static async Task<TestCluster> DeployAsync(short silos, Action<TestClusterBuilder>? configure = null)
    {
        var builder = new TestClusterBuilder(silos);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        configure?.Invoke(builder);
        var cluster = builder.Build();
        await cluster.DeployAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return cluster;
    }

    public Task DisposeAsync() => _cluster is null ? Task.CompletedTask : ShutDownAsync(_cluster);

    /// <summary>Stops every silo and the client of <paramref name="cluster"/>, then disposes it, each within a bound.</summary>
    public static async Task ShutDownAsync(TestCluster cluster)
    {
        await cluster.StopAllSilosAsync().WaitAsync(TimeSpan.FromMinutes(2));
        await cluster.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(2));
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddBarriers();

            // Barrier state outlives any one silo, as with a real database; see SharedGrainStorage.
            siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(
                SharedGrainStorage.Name, (services, _) => ActivatorUtilities.CreateInstance<SharedGrainStorage>(services));
            siloBuilder.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
            => clientBuilder.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
    }
}
