using System.Reflection;
using Orleans.Barrier.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace Orleans.Barrier.Tests;

/// <summary>
/// <see cref="IBarrierAdmin"/>: status, reset and abort by name with an optional party count, and the listing of every
/// barrier that exists, which must outlive activations and silos as the barriers do.
/// </summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class AdminTests(BarrierClusterFixture fixture, ITestOutputHelper output)
{
    // Detecting a killed silo and re-homing its grains takes several response timeouts on a loaded machine.
    private static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(60);

    private readonly IClusterClient _client = fixture.Client;
    private readonly IBarrierAdmin _admin = fixture.Client.GetBarrierAdmin();

    [Fact]
    public async Task GetStatusAsync_NeverUsedWithoutCount_ReturnsNullAndDoesNotCreateIt()
    {
        var name = TestBounds.UniqueName("admin-unused");

        Assert.Null(await _admin.GetStatusAsync(name).Bounded());
        Assert.Null(await _admin.GetStatusAsync(name).Bounded());

        Assert.Empty(await ListAsync(name));
        Assert.False(SharedGrainStorage.HoldsBarrier(name));
    }

    [Fact]
    public async Task ResetAsync_WithoutCountOnUnusedBarrier_ThrowsInvalidOperationAndCreatesNothing()
    {
        var name = TestBounds.UniqueName("admin-reset-unused");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => _admin.ResetAsync(name)).Bounded();

        Assert.Contains(name, thrown.Message, StringComparison.Ordinal);
        Assert.Null(await _admin.GetStatusAsync(name).Bounded());
        Assert.Empty(await ListAsync(name));
    }

    [Fact]
    public async Task AbortAsync_WithoutCountOnUnusedBarrier_ThrowsInvalidOperationAndCreatesNothing()
    {
        var name = TestBounds.UniqueName("admin-abort-unused");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => _admin.AbortAsync(name)).Bounded();

        Assert.Contains(name, thrown.Message, StringComparison.Ordinal);
        Assert.Null(await _admin.GetStatusAsync(name).Bounded());
        Assert.Empty(await ListAsync(name));
    }

    [Fact]
    public async Task EveryOperation_WrongCount_ThrowsInvalidOperationNamingBothCountsAndLeavesTheBarrier()
    {
        var name = TestBounds.UniqueName("admin-mismatch");
        var barrier = _client.GetBarrier(name, 3);
        var waiting = barrier.WaitAsync();
        await barrier.WaitForWaitingAsync(1);

        Func<Task>[] operations =
        [
            () => _admin.GetStatusAsync(name, 4),
            () => _admin.ResetAsync(name, 4),
            () => _admin.AbortAsync(name, 4),
        ];
        foreach (var operation in operations)
        {
            var thrown = await Assert.ThrowsAsync<InvalidOperationException>(operation).Bounded();
            Assert.Contains("3 parties", thrown.Message, StringComparison.Ordinal);
            Assert.Contains("4 parties", thrown.Message, StringComparison.Ordinal);
        }

        var status = await _admin.GetStatusAsync(name, 3).Bounded();
        Assert.NotNull(status);
        Assert.Equal((3, 1, BarrierState.Filling), (status.Parties, status.Waiting, status.State));
        Assert.False(waiting.IsCompleted);
        await Task.WhenAll(barrier.WaitAsync(), barrier.WaitAsync(), waiting).Bounded();
    }

    [Fact]
    public async Task GetStatusAsync_OfUsedBarrierWithoutCount_ReportsIt()
    {
        var name = TestBounds.UniqueName("admin-status");
        var barrier = _client.GetBarrier(name, 2);
        await Task.WhenAll(barrier.WaitAsync(), barrier.WaitAsync()).Bounded();

        var status = await _admin.GetStatusAsync(name).Bounded();

        Assert.NotNull(status);
        Assert.Equal((name, 2, 0, BarrierState.Filling, 1L), (status.Name, status.Parties, status.Waiting, status.State, status.Phase));
    }

    [Fact]
    public async Task AbortAsync_WithoutCount_EveryWaiterThrowsAbortedUntilResetThroughAdmin()
    {
        var name = TestBounds.UniqueName("admin-abort");
        var barrier = _client.GetBarrier(name, 3);
        var waits = new[] { barrier.WaitAsync(), barrier.WaitAsync() };
        await barrier.WaitForWaitingAsync(2);

        await _admin.AbortAsync(name).Bounded();

        foreach (var wait in waits)
        {
            Assert.Equal(BrokenBarrierReason.Aborted, (await Assert.ThrowsAsync<BrokenBarrierException>(() => wait).Bounded()).Reason);
        }

        Assert.Equal(BarrierState.Broken, (await _admin.GetStatusAsync(name).Bounded())?.State);
        var later = await Assert.ThrowsAsync<BrokenBarrierException>(() => barrier.WaitAsync()).Bounded();
        Assert.Equal(BrokenBarrierReason.Aborted, later.Reason);

        await _admin.ResetAsync(name).Bounded();
        var indices = await Task.WhenAll(barrier.WaitAsync(), barrier.WaitAsync(), barrier.WaitAsync()).Bounded();
        Assert.Equal([0, 1, 2], indices.Order());
    }

    [Fact]
    public async Task ResetAsync_WithCount_WaitersThrowResetAndBarrierStaysUsable()
    {
        var name = TestBounds.UniqueName("admin-reset");
        var barrier = _client.GetBarrier(name, 3);
        var waits = new[] { barrier.WaitAsync(), barrier.WaitAsync() };
        await barrier.WaitForWaitingAsync(2);

        await _admin.ResetAsync(name, 3).Bounded();

        foreach (var wait in waits)
        {
            Assert.Equal(BrokenBarrierReason.Reset, (await Assert.ThrowsAsync<BrokenBarrierException>(() => wait).Bounded()).Reason);
        }

        var status = await _admin.GetStatusAsync(name).Bounded();
        Assert.Equal((BarrierState.Filling, 0), (status?.State, status?.Waiting));
    }

    [Fact]
    public async Task ResetAndAbortAsync_WithCountOnUnusedBarrier_CreateItAsAHandleWould()
    {
        var reset = TestBounds.UniqueName("admin-reset-new");
        var aborted = TestBounds.UniqueName("admin-abort-new");

        await _admin.ResetAsync(reset, 2).Bounded();
        await _admin.AbortAsync(aborted, 5).Bounded();

        var resetStatus = await _admin.GetStatusAsync(reset).Bounded();
        var abortedStatus = await _admin.GetStatusAsync(aborted).Bounded();
        Assert.Equal((2, BarrierState.Filling), (resetStatus?.Parties, resetStatus?.State));
        Assert.Equal((5, BarrierState.Broken), (abortedStatus?.Parties, abortedStatus?.State));
        Assert.Equal([reset], await ListAsync(reset));
        Assert.Equal([aborted], await ListAsync(aborted));
    }

    [Fact]
    public async Task ListAsync_CreatedBarriers_ListedInOrdinalOrderAndFilteredByPrefix()
    {
        var prefix = TestBounds.UniqueName("admin-list") + "/";
        string[] names = [prefix + "b", prefix + "a", prefix + "B", prefix + "a/1", prefix + "é", prefix + "a0"];
        await CreateAsync(names);

        // Another prefix that merely starts like ours must not leak in.
        var neighbour = prefix[..^1] + "x";
        await CreateAsync([neighbour]);

        Assert.Equal(names.Order(StringComparer.Ordinal), await ListAsync(prefix));
        Assert.Equal([prefix + "a", prefix + "a/1", prefix + "a0"], await ListAsync(prefix + "a"));
        Assert.Equal([prefix + "B"], await ListAsync(prefix + "B"));
        Assert.Empty(await ListAsync(prefix + "c"));

        var all = await ListAsync(null);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        Assert.Superset(names.Append(neighbour).ToHashSet(), all.ToHashSet());
        Assert.Equal(all, await ListAsync(string.Empty));
    }

    [Fact]
    public async Task ListAsync_EveryWayOfCreating_ListsTheBarrier()
    {
        var prefix = TestBounds.UniqueName("admin-created-by") + "/";

        await _client.GetBarrier(prefix + "wait", 1).WaitAsync().Bounded();
        await _client.GetBarrier(prefix + "handle-status", 2).GetStatusAsync().Bounded();
        await _admin.GetStatusAsync(prefix + "admin-status", 2).Bounded();
        await _admin.ResetAsync(prefix + "admin-reset", 2).Bounded();
        await _client.GetBarrier(prefix + "abort", 2).AbortAsync().Bounded();
        var waiter = _client.GetBarrier(prefix + "waiting", 2);
        var waiting = waiter.WaitAsync();

        // A waiter is answered only after its barrier was stored, and so listed: once it is seen waiting, it is listed.
        await waiter.WaitForWaitingAsync(1);
        Assert.Equal(
            ["abort", "admin-reset", "admin-status", "handle-status", "wait", "waiting"],
            (await ListAsync(prefix)).Select(n => n[prefix.Length..]));

        await waiter.WaitAsync().Bounded();
        await waiting.Bounded();
    }

    [Fact]
    public async Task ListAsync_AfterEveryActivationWasCollected_StillListsThem()
    {
        var prefix = TestBounds.UniqueName("admin-collected") + "/";
        string[] names = [.. Enumerable.Range(0, 20).Select(i => $"{prefix}{i:D2}")];
        await CreateAsync(names);
        var management = _client.GetGrain<IManagementGrain>(0);
        Assert.NotEqual(0, await RegistryActivationsAsync(management));

        await management.ForceActivationCollection(TimeSpan.Zero).Bounded();

        // No bucket is active any more, so the listing below comes from storage through fresh activations.
        Assert.Equal(0, await RegistryActivationsAsync(management));
        Assert.Equal(names, await ListAsync(prefix));
        foreach (var name in names)
        {
            Assert.Equal(2, (await _admin.GetStatusAsync(name).Bounded())?.Parties);
        }
    }

    [Fact]
    public async Task ListAsync_SiloHostingARegistryBucketKilled_StillListsThem()
    {
        await using var cluster = await OwnedCluster.DeployAsync(3, builder => builder.AddSiloBuilderConfigurator<RegistryOnSecondarySilos>());
        var admin = cluster.Client.GetBarrierAdmin();
        var prefix = TestBounds.UniqueName("admin-failover") + "/";
        string[] names = [.. Enumerable.Range(0, 20).Select(i => $"{prefix}{i:D2}")];
        foreach (var name in names)
        {
            await admin.GetStatusAsync(name, 2).Bounded();
        }

        Assert.Equal(names, await ListAsync(admin, prefix));
        var bucket = cluster.Client.GetGrain<IBarrierRegistryGrain>(BarrierRegistryBuckets.Of(names[0]));
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var host = (await management.GetActivationAddress(bucket).AsTask().Bounded())?.ToString();
        var victim = cluster.Cluster.SecondarySilos.Single(s => s.SiloAddress.ToString() == host);

        await cluster.Cluster.KillSiloAsync(victim).Bounded();

        // Listings fail or time out until the cluster declares the silo dead; then a survivor reads the bucket from storage.
        using var bound = new CancellationTokenSource(FailoverBound);
        string[]? listed = null;
        while (listed is null)
        {
            try
            {
                listed = await ListAsync(admin, prefix, bound.Token);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                output.WriteLine($"listing failed while the silo was being declared dead: {exception.GetType().Name}");
                await Task.Delay(100, bound.Token);
            }
        }

        Assert.Equal(names, listed);
        var newHost = (await management.GetActivationAddress(bucket).AsTask().Bounded())?.ToString();
        Assert.NotEqual(host, newHost);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("too-long")]
    public void EveryOperation_BadName_ThrowsArgumentExceptionWithoutAGrainCall(string? name)
    {
        if (name == "too-long")
        {
            name = new string('n', 1025);
        }

        var admin = ThrowingGrainFactory.Create().GetBarrierAdmin();
        Action[] operations =
        [
            () => admin.GetStatusAsync(name!),
            () => admin.GetStatusAsync(name!, 2),
            () => admin.ResetAsync(name!),
            () => admin.AbortAsync(name!, 2),
        ];

        // Thrown by the call itself, as GetBarrier does, not left in the task.
        foreach (var operation in operations)
        {
            var thrown = Assert.ThrowsAny<ArgumentException>(operation);
            Assert.Equal("name", thrown.ParamName);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void EveryOperation_PartiesBelowOne_ThrowsArgumentOutOfRangeWithoutAGrainCall(int parties)
    {
        var admin = ThrowingGrainFactory.Create().GetBarrierAdmin();
        Action[] operations =
        [
            () => admin.GetStatusAsync("fine-name", parties),
            () => admin.ResetAsync("fine-name", parties),
            () => admin.AbortAsync("fine-name", parties),
        ];

        foreach (var operation in operations)
        {
            var thrown = Assert.Throws<ArgumentOutOfRangeException>(operation);
            Assert.Equal("parties", thrown.ParamName);
        }
    }

    [Fact]
    public async Task EveryOperation_CancelledToken_ThrowsOperationCanceledWithoutAGrainCall()
    {
        var admin = ThrowingGrainFactory.Create().GetBarrierAdmin();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => admin.GetStatusAsync("fine-name", null, cancelled.Token)).Bounded();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => admin.ResetAsync("fine-name", 2, cancelled.Token)).Bounded();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => admin.AbortAsync("fine-name", null, cancelled.Token)).Bounded();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ToArrayAsync(admin.ListAsync(null, cancelled.Token))).Bounded();
    }

    [Fact]
    public void BarrierRegistryBuckets_AreStableAndSpreadNames()
    {
        // Pinned values: names are stored under these buckets, so the hash may never change.
        Assert.Equal(BarrierRegistryBuckets.Of("a"), BarrierRegistryBuckets.Of(new string('a', 1)));
        Assert.Equal(0xE40C292Cu % BarrierRegistryBuckets.Count, (uint)BarrierRegistryBuckets.Of("a"));
        Assert.InRange(BarrierRegistryBuckets.Of(new string('é', 1024)), 0, BarrierRegistryBuckets.Count - 1);

        var used = Enumerable.Range(0, 1000).Select(i => BarrierRegistryBuckets.Of($"job-{i}")).Distinct().Count();
        Assert.Equal(BarrierRegistryBuckets.Count, used);
    }

    private async Task CreateAsync(IEnumerable<string> names)
        => await Task.WhenAll(names.Select(name => _admin.GetStatusAsync(name, 2))).Bounded();

    private static async Task<int> RegistryActivationsAsync(IManagementGrain management)
        => (await management.GetSimpleGrainStatistics().Bounded())
            .Where(s => s.GrainType.StartsWith(typeof(BarrierRegistryGrain).FullName + ",", StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);

    private Task<string[]> ListAsync(string? prefix) => ListAsync(_admin, prefix);

    private static Task<string[]> ListAsync(IBarrierAdmin admin, string? prefix, CancellationToken cancellationToken = default)
        => ToArrayAsync(admin.ListAsync(prefix, cancellationToken)).Bounded();

    private static async Task<string[]> ToArrayAsync(IAsyncEnumerable<string> names)
    {
        var list = new List<string>();
        await foreach (var name in names)
        {
            list.Add(name);
        }

        return [.. list];
    }

    /// <summary>Keeps the registry buckets off the primary silo, which anchors the test cluster and cannot be killed.</summary>
    private sealed class RegistryOnSecondarySilos : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.PlaceOnSecondarySilos(GrainType.Create("barrier-registry"));
    }

    /// <summary>A grain factory whose every member throws: proof that a call never reached it.</summary>
    /// <remarks>Public and not sealed because <see cref="DispatchProxy"/> derives its proxy type from it.</remarks>
    public class ThrowingGrainFactory : DispatchProxy
    {
        public static IGrainFactory Create() => Create<IGrainFactory, ThrowingGrainFactory>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
            => throw new InvalidOperationException($"The grain factory was used: {targetMethod?.Name}.");
    }
}
