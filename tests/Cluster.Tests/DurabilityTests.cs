using System.Diagnostics;
using Orleans.Barrier.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace Orleans.Barrier.Tests;

/// <summary>
/// What a barrier stores outlives its activation: collection, the death of its silo, a stale activation fenced off
/// by storage. Each test proves that a new activation really took over (its incarnation or its silo changed), so
/// none can pass by talking to the activation that still remembers everything in memory. Run over every
/// <see cref="BarrierShape"/> by the nested classes at the end: what is stored is the barrier grain's either way, and
/// a tiered handle's shards must carry their participants over to the new activation; on Redis the state makes the
/// round trip through a real Redis, and its ETag fences off a stale activation.
/// </summary>
public abstract class DurabilityTests(BarrierClusterFixture fixture, ITestOutputHelper output, BarrierShape shape)
{
    private static readonly TimeSpan ShortPoll = TimeSpan.FromMilliseconds(100);

    // Detecting a killed silo and re-homing its grains takes several response timeouts on a loaded machine.
    private static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(60);

    // First: a shape whose storage cannot run here skips the test (fails it on CI) before the fixture is touched.
    private readonly BarrierShape _shape = shape.SkipUnlessAvailable();
    private readonly TestCluster _cluster = fixture.Cluster;
    private readonly IClusterClient _client = fixture.Client;

    [SkippableFact]
    public async Task WaitAsync_AbortedBarrierCollected_ThrowsAbortedUntilReset()
    {
        var name = TestBounds.UniqueName("abort-collected");
        var barrier = _shape.GetBarrier(_client, name, 2);
        await ReleaseAsync(barrier);
        await barrier.AbortAsync().Bounded();

        var collected = await CollectAsync(_client, name, parties: 2);

        // A zero timeout: had the abort been lost, this wait would break with Timeout at once instead of hanging.
        var broken = await Assert.ThrowsAsync<BrokenBarrierException>(() => barrier.WaitAsync(TimeSpan.Zero)).Bounded();
        Assert.Equal(BrokenBarrierReason.Aborted, broken.Reason);
        Assert.NotEqual(collected, await ProbeIncarnationAsync(_client, name, parties: 2));

        await barrier.ResetAsync().Bounded();
        var indices = await ReleaseAsync(barrier);
        Assert.Equal([0, 1], indices.Order());
        Assert.Equal(2, (await barrier.GetStatusAsync().Bounded()).Phase);
    }

    [SkippableFact]
    public async Task GetStatusAsync_AfterCollection_KeepsPartiesPhaseAndBrokenReason()
    {
        var name = TestBounds.UniqueName("status-collected");
        var barrier = _shape.GetBarrier(_client, name, 3);
        await ReleaseAsync(barrier);
        await ReleaseAsync(barrier);

        // An arrival that never polls again loses its lease and breaks the barrier, naming its participant.
        var grain = _client.GetGrain<IBarrierGrain>(name);
        await grain.WaitAsync(new ArrivalRequest(ArrivalId.New(), 3, null, ShortPoll, null)
        {
            Participant = "worker-7",
            Lease = BarrierOptions.MinLeaseDuration,
        }).Bounded();
        await barrier.WaitForStatusAsync(s => s.IsBroken, TestBounds.Default);

        var collected = await CollectAsync(_client, name, parties: 3);
        Assert.True(await _shape.Storage.HoldsBarrierAsync(_cluster, name), $"Nothing is stored for the barrier in {_shape.Storage}.");

        // Without a party count the grain only reports a barrier it restored; it cannot make one up.
        var status = await grain.GetStatusAsync(null).Bounded();
        Assert.NotNull(status);
        Assert.Equal(3, status.Parties);
        Assert.Equal(2, status.Phase);
        Assert.Equal(BarrierState.Broken, status.State);
        Assert.Equal(BrokenBarrierReason.ParticipantLost, status.BrokenReason);
        Assert.Equal(["worker-7"], status.LostParticipants);
        Assert.Equal(0, status.Waiting);
        Assert.NotEqual(collected, await ProbeIncarnationAsync(_client, name, parties: 3));
    }

    [SkippableFact]
    public async Task GetStatusAsync_HostSiloKilled_NewActivationKeepsPartiesPhaseAndBrokenReason()
    {
        var cluster = await _shape.Storage.DeployAsync(silos: 3);
        try
        {
            var (barrier, host) = await cluster.FindBarrierHostedOnSecondarySiloAsync(_shape, "durable-failover", parties: 3);
            await ReleaseAsync(barrier);
            await ReleaseAsync(barrier);
            var timedOut = await Assert.ThrowsAsync<BrokenBarrierException>(() => barrier.WaitAsync(TimeSpan.Zero)).Bounded();
            Assert.Equal(BrokenBarrierReason.Timeout, timedOut.Reason);

            var killed = Stopwatch.StartNew();
            await cluster.KillSiloAsync(host).Bounded();

            // Status calls fail or time out until the cluster declares the silo dead; then a survivor restores the barrier.
            var deadHost = host.SiloAddress.ToString();
            var status = await barrier.WaitForStatusAsync(s => s.HostSilo != deadHost, FailoverBound, throughFailures: true);
            output.WriteLine($"restored on {status.HostSilo} {killed.Elapsed.TotalSeconds:F1}s after the kill");

            Assert.Equal(3, status.Parties);
            Assert.Equal(2, status.Phase);
            Assert.Equal(BarrierState.Broken, status.State);
            Assert.Equal(BrokenBarrierReason.Timeout, status.BrokenReason);
            var broken = await Assert.ThrowsAsync<BrokenBarrierException>(() => barrier.WaitAsync()).WaitAsync(FailoverBound);
            Assert.Equal(BrokenBarrierReason.Timeout, broken.Reason);
        }
        finally
        {
            await StopAsync(cluster);
        }
    }

    [SkippableFact]
    public async Task WaitAsync_OtherPartyCountAfterCollection_ThrowsInvalidOperationNamingBothCounts()
    {
        var name = TestBounds.UniqueName("mismatch-collected");
        var barrier = _shape.GetBarrier(_client, name, 3);
        await ReleaseAsync(barrier);

        var collected = await CollectAsync(_client, name, parties: 3);

        // The first call after collection must be the mismatched one: any call with 3 parties would recreate the
        // barrier with 3 even if storage had lost it. A zero timeout fails fast if the barrier was recreated with 4.
        var mismatch = await Assert.ThrowsAsync<InvalidOperationException>(
            () => _shape.GetBarrier(_client, name, 4).WaitAsync(TimeSpan.Zero)).Bounded();
        Assert.Contains("3 parties", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains("4 parties", mismatch.Message, StringComparison.Ordinal);
        Assert.NotEqual(collected, await ProbeIncarnationAsync(_client, name, parties: 3));

        var status = await barrier.GetStatusAsync().Bounded();
        Assert.Equal(3, status.Parties);
        Assert.Equal(1, status.Phase);
        Assert.Equal(BarrierState.Filling, status.State);
        Assert.Equal(0, status.Waiting);
    }

    [SkippableFact]
    public async Task WaitAsync_ReleasedArrivalsReissuedAfterCollection_GetTheirIndexAndPhaseAgain()
    {
        var name = TestBounds.UniqueName("roster-collected");
        var barrier = _shape.GetBarrier(_client, name, 3);
        await ReleaseAsync(barrier);
        var grain = _client.GetGrain<IBarrierGrain>(name);
        ArrivalId[] arrivals = [ArrivalId.New(), ArrivalId.New(), ArrivalId.New()];

        // One after another, so the indices are known: each earlier arrival is answered pending before the next.
        var outcomes = new List<ArrivalOutcome>();
        foreach (var arrival in arrivals)
        {
            outcomes.Add(await grain.WaitAsync(new ArrivalRequest(arrival, 3, null, ShortPoll, null)).Bounded());
        }

        Assert.Equal([ArrivalOutcomeKind.Pending, ArrivalOutcomeKind.Pending, ArrivalOutcomeKind.Released], outcomes.Select(o => o.Kind));
        Assert.Equal((2, 2L), (outcomes[2].Index, outcomes[2].Phase));
        var released = outcomes[2].Incarnation;

        await CollectAsync(_client, name, parties: 3);

        // Each re-issue names the incarnation that answered it before, as a handle whose answer was lost would.
        for (var index = 0; index < arrivals.Length; index++)
        {
            var reissued = await grain.WaitAsync(new ArrivalRequest(arrivals[index], 3, null, ShortPoll, released)).Bounded();
            Assert.NotEqual(released, reissued.Incarnation);
            Assert.Equal(ArrivalOutcomeKind.Released, reissued.Kind);
            Assert.Equal(index, reissued.Index);
            Assert.Equal(2, reissued.Phase);
        }

        var status = await barrier.GetStatusAsync().Bounded();
        Assert.Equal(2, status.Phase);
        Assert.Equal(0, status.Waiting);
    }

    [SkippableFact]
    public async Task WaitAsync_ActivationFencedOffByStorageDuringRelease_FreshActivationReleasesEveryoneOnce()
    {
        var name = TestBounds.UniqueName("fenced");
        var barrier = _shape.GetBarrier(_client, name, 3);
        await ReleaseAsync(barrier);
        Task<int>[] waits = [barrier.WaitAsync(), barrier.WaitAsync()];
        var before = await barrier.WaitForWaitingAsync(2);
        var stale = await ProbeIncarnationAsync(_client, name, parties: 3);

        // Another activation "wrote" since: the release that the third arrival completes cannot be stored here.
        await _shape.Storage.WriteBehindTheBarriersBackAsync(_cluster, name);
        var releasing = Stopwatch.StartNew();
        Task<int>[] all = [.. waits, barrier.WaitAsync()];
        var indices = await Task.WhenAll(all).Bounded();
        output.WriteLine($"released {releasing.Elapsed.TotalSeconds:F1}s after the completing arrival");

        // The stale activation answered nobody; all three re-attached to a fresh one, which released them together.
        Assert.Equal([0, 1, 2], indices.Order());
        Assert.NotEqual(stale, await ProbeIncarnationAsync(_client, name, parties: 3));
        var status = await barrier.GetStatusAsync().Bounded();
        Assert.Equal(before.Phase + 1, status.Phase);
        Assert.Equal(BarrierState.Filling, status.State);
        Assert.Equal(0, status.Waiting);
        Assert.Null(status.BrokenReason);

        // The fresh activation stored that release: one more activation still sees it, counted once.
        await CollectAsync(_client, name, parties: 3);
        Assert.Equal(before.Phase + 1, (await barrier.GetStatusAsync().Bounded()).Phase);
    }

    [SkippableFact]
    public async Task WaitAsync_UnnamedGrainParticipantReattachedToAFreshActivation_IsStillNamedByItsGrainId()
    {
        var name = TestBounds.UniqueName("fenced-grain");
        var barrier = _shape.GetBarrier(_client, name, 2);
        var grain = _client.GetGrain<IParticipantGrain>(TestBounds.UniqueName("anonymous"));
        var grainWaits = grain.WaitLongAsync(name, 2, _shape.Topology, _shape.Shards);
        await barrier.WaitForWaitingAsync(1);

        // The client's arrival completes a release that the fenced activation cannot store: the grain's poll fails,
        // and the grain polls again (from a continuation inside the handle) to a fresh activation that has never seen it.
        await _shape.Storage.WriteBehindTheBarriersBackAsync(_cluster, name);
        var indices = await Task.WhenAll(grainWaits, barrier.WaitAsync()).Bounded();

        Assert.Equal([0, 1], indices.Order());
        var missing = (await barrier.GetStatusAsync().Bounded()).Missing;
        output.WriteLine($"the fresh activation's roster: {string.Join(", ", missing)}");
        Assert.Contains(grain.GetGrainId().ToString(), missing);
        Assert.DoesNotContain(missing, participant => participant.StartsWith("sys.client/hosted-", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task WaitAsync_ArrivalCompletingReleaseOnFencedActivation_FailsAsUnavailableAtOnceAndWaitersMoveOn()
    {
        var name = TestBounds.UniqueName("fenced-long-poll");
        var barrier = _shape.GetBarrier(_client, name, 3);
        Task<int>[] waits = [barrier.WaitAsync(), barrier.WaitAsync()];
        var before = await barrier.WaitForWaitingAsync(2);
        await _shape.Storage.WriteBehindTheBarriersBackAsync(_cluster, name);

        // A participant that asks for longer polls than these waiters (one configured with a longer response
        // timeout) completes the release. The fenced activation can never answer it, so it must not hold it: a
        // held call keeps the activation busy, so it cannot deactivate and the waiters find no live activation.
        var grain = _client.GetGrain<IBarrierGrain>(name);
        var longPoll = new ArrivalRequest(ArrivalId.New(), 3, null, TimeSpan.FromSeconds(20), null);
        await Assert.ThrowsAsync<BarrierUnavailableException>(() => grain.WaitAsync(longPoll)).Bounded();

        // Its arrival was counted nowhere: the waiters re-attached to a fresh activation and need a third.
        await barrier.WaitForWaitingAsync(2);
        var indices = await Task.WhenAll([.. waits, barrier.WaitAsync()]).Bounded();
        Assert.Equal([0, 1, 2], indices.Order());
        Assert.Equal(before.Phase + 1, (await barrier.GetStatusAsync().Bounded()).Phase);
    }

    [SkippableFact]
    public async Task WaitAsync_ThreePhasesOfFiveParties_WritesOnlyOnCreationAndRelease()
    {
        Skip.IfNot(_shape.Storage.IsInProcess, $"{_shape.Storage} keeps no count of writes.");
        var name = TestBounds.UniqueName("writes");
        var barrier = _shape.GetBarrier(_client, name, 5);

        for (var phase = 0; phase < 3; phase++)
        {
            await ReleaseAsync(barrier);
        }

        // Creation plus one per release; creation may share the first release's write if the five arrivals come
        // while it is in flight. Each release is answered only once stored, so the three releases cannot share.
        Assert.InRange(SharedGrainStorage.WritesOf(name), 3, 4);
        Assert.Equal(3, (await barrier.GetStatusAsync().Bounded()).Phase);
    }

    [SkippableFact]
    public async Task WaitAsync_NoBarrierStorageRegistered_FallbackStorageSurvivesCollection()
    {
        Skip.IfNot(_shape.Storage.IsInProcess, $"A silo without barrier storage: the shape's {_shape.Storage} has no part in it, and the in-process shapes cover it.");
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<BareSiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync().WaitAsync(TimeSpan.FromMinutes(2));
        try
        {
            var name = TestBounds.UniqueName("fallback");
            var barrier = _shape.GetBarrier(cluster.Client, name, 2);
            await ReleaseAsync(barrier);
            await barrier.AbortAsync().Bounded();

            var collected = await CollectAsync(cluster.Client, name, parties: 2);

            var status = await cluster.Client.GetGrain<IBarrierGrain>(name).GetStatusAsync(null).Bounded();
            Assert.NotNull(status);
            Assert.Equal(2, status.Parties);
            Assert.Equal(1, status.Phase);
            Assert.Equal(BrokenBarrierReason.Aborted, status.BrokenReason);
            Assert.NotEqual(collected, await ProbeIncarnationAsync(cluster.Client, name, parties: 2));
            Assert.False(SharedGrainStorage.HoldsBarrier(name));

            await barrier.ResetAsync().Bounded();
            Assert.Equal([0, 1], (await ReleaseAsync(barrier)).Order());
        }
        finally
        {
            await StopAsync(cluster);
        }
    }

    /// <summary>Releases one full party of <paramref name="barrier"/> and returns the indices.</summary>
    private static Task<int[]> ReleaseAsync(IDistributedBarrier barrier)
        => Task.WhenAll(Enumerable.Range(0, barrier.Parties).Select(_ => barrier.WaitAsync())).Bounded();

    /// <summary>
    /// Collects every idle activation in the cluster, the barrier's among them, and returns the incarnation the
    /// barrier had. Compare it with a later <see cref="ProbeIncarnationAsync"/> to prove a new activation answered.
    /// </summary>
    private static async Task<long> CollectAsync(IClusterClient client, string name, int parties)
    {
        var incarnation = await ProbeIncarnationAsync(client, name, parties);
        await client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero).Bounded();
        return incarnation;
    }

    /// <summary>
    /// The incarnation of the barrier's current activation, read from the answer to cancelling an arrival it never
    /// heard of: that leaves the barrier as it was. It creates the barrier with <paramref name="parties"/> if it
    /// does not exist, so a test checks the party count before it probes.
    /// </summary>
    private static async Task<long> ProbeIncarnationAsync(IGrainFactory factory, string name, int parties)
        => (await factory.GetGrain<IBarrierGrain>(name).CancelAsync(ArrivalId.New(), parties).Bounded()).Incarnation;

    private static async Task StopAsync(TestCluster cluster)
    {
        await cluster.StopAllSilosAsync().WaitAsync(TimeSpan.FromMinutes(2));
        await cluster.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(2));
    }

    /// <summary>The contract on the single-grain shape.</summary>
    [Collection(SharedClusterDefinition.Name)]
    public sealed class OnSingleGrain(BarrierClusterFixture fixture, ITestOutputHelper output) : DurabilityTests(fixture, output, BarrierShape.SingleGrain);

    /// <summary>The contract on the tiered shape.</summary>
    [Collection(SharedClusterDefinition.Name)]
    public sealed class OnTiers(BarrierClusterFixture fixture, ITestOutputHelper output) : DurabilityTests(fixture, output, BarrierShape.Tiered);

    /// <summary>The contract on the single-grain shape with its state in Redis.</summary>
    [Collection(RedisClusterDefinition.Name)]
    public sealed class OnRedis(RedisClusterFixture fixture, ITestOutputHelper output) : DurabilityTests(fixture, output, BarrierShape.SingleGrainOnRedis);

    /// <summary>A silo with barriers and nothing else: no provider named "Barriers", so barriers use the fallback.</summary>
    private sealed class BareSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddBarriers();
    }
}
