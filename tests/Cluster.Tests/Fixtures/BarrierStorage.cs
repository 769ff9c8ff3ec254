using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Barrier.Testing;
using Orleans.Configuration;
using Orleans.Persistence;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using StackExchange.Redis;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Where a <see cref="BarrierShape"/>'s barriers keep their state: the in-process store the tests can look into, or a
/// real Redis through the provider <c>src/Silo</c> uses with <c>--redis</c>. Either outlives every silo.
/// </summary>
public sealed class BarrierStorage
{
    private BarrierStorage(string name) => Name = name;

    /// <summary><see cref="SharedGrainStorage"/>: in this process, shared by every silo.</summary>
    public static BarrierStorage InProcess { get; } = new("in-process storage") { IsInProcess = true };

    /// <summary>Orleans' Redis grain storage on this run's own redis-server (<see cref="TestRedisServer"/>).</summary>
    public static BarrierStorage Redis { get; } = new("Redis storage") { IsInProcess = false };

    public string Name { get; }

    /// <summary>
    /// Whether the storage is <see cref="SharedGrainStorage"/>, whose records a test can read (the stored phase, how
    /// often a barrier was written) and whose writes a killed silo can lose or deliver late (<see cref="RemoteGrainStorage"/>).
    /// Redis keeps no such count, and its client is Orleans' own.
    /// </summary>
    public required bool IsInProcess { get; init; }

    /// <summary>
    /// Skips the calling test when this storage cannot run here (Redis without <c>redis-server</c> on PATH), saying
    /// how to get it; on CI (CI=true) fails it instead, as the Redis end-to-end tests do.
    /// </summary>
    public void SkipUnlessAvailable()
    {
        if (!IsInProcess)
        {
            RedisServer.SkipUnlessInstalled();
        }
    }

    /// <summary>
    /// Whether a cluster of this storage can be deployed here, or must be (on CI, where a missing redis-server is a
    /// failure): a shared fixture deploys only then, and its tests skip through <see cref="SkipUnlessAvailable"/>.
    /// </summary>
    public bool MustDeploy
        => IsInProcess || RedisServer.Executable is not null || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Deploys a cluster set up like the shared one (<see cref="BarrierClusterFixture.DeployAsync"/>), plus
    /// <paramref name="configure"/>, whose barriers keep their state here.
    /// </summary>
    public async Task<TestCluster> DeployAsync(short silos, Action<TestClusterBuilder>? configure = null)
    {
        if (IsInProcess)
        {
            return await BarrierClusterFixture.DeployAsync(silos, configure);
        }

        SkipUnlessAvailable();
        await TestRedisServer.GetAsync();
        return await BarrierClusterFixture.DeployAsync(silos, builder =>
        {
            configure?.Invoke(builder);

            // Last, so that its provider is the one registered under the barriers' storage name.
            builder.AddSiloBuilderConfigurator<RedisStorageConfigurator>();
        });
    }

    /// <summary>Whether anything is stored for the barrier called <paramref name="barrier"/> of <paramref name="cluster"/>.</summary>
    public async Task<bool> HoldsBarrierAsync(TestCluster cluster, string barrier)
        => IsInProcess ? SharedGrainStorage.HoldsBarrier(barrier) : await FindRedisKeyAsync(cluster, barrier) is not null;

    /// <summary>
    /// Changes the stored ETag of a barrier, as a write from another activation would: the next write of its current
    /// activation fails. On Redis the record's <c>etag</c> field is overwritten, so the provider's own script refuses.
    /// </summary>
    public async Task WriteBehindTheBarriersBackAsync(TestCluster cluster, string barrier)
    {
        if (IsInProcess)
        {
            SharedGrainStorage.WriteBehindTheBarriersBack(barrier);
            return;
        }

        var key = await FindRedisKeyAsync(cluster, barrier) ?? throw new InvalidOperationException($"Nothing is stored in Redis for barrier '{barrier}'.");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedisServer.Started.Address);
        await redis.GetDatabase().HashSetAsync(key, "etag", Guid.NewGuid().ToString("N"));
    }

    public override string ToString() => Name;

    /// <summary>The barrier grain's record: Orleans' Redis storage keys it <c>{ServiceId}/state/{grain id}/{state name}</c>.</summary>
    private static async Task<RedisKey?> FindRedisKeyAsync(TestCluster cluster, string barrier)
    {
        var server = await TestRedisServer.GetAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.Address);
        var pattern = string.Create(CultureInfo.InvariantCulture, $"{cluster.Options.ServiceId}/state/barrier/{barrier}/*");
        var keys = redis.GetServer(server.Address).KeysAsync(pattern: pattern);
        await foreach (var key in keys)
        {
            return key;
        }

        return null;
    }

    /// <summary>The grain storage src/Silo registers with --redis (same provider, same serializer), on the test server.</summary>
    private sealed class RedisStorageConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var address = TestRedisServer.Started.Address;
            siloBuilder.AddRedisGrainStorage(SharedGrainStorage.Name, (OptionsBuilder<RedisStorageOptions> storage) => storage.Configure<Serializer>((options, serializer) =>
            {
                options.ConfigurationOptions = ConfigurationOptions.Parse(address);

                // As src/Silo: Orleans' serializer reads a stored barrier back by its [Alias] and [Id]s.
                options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));
        }
    }
}
