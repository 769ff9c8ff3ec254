using System.Diagnostics;
using Orleans.Barrier.Testing;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Participants that die while waiting, in each way a participant can die (its client disposed without a word, the
/// silo under its grain killed), are found out by their leases, and each loss policy acts within twice the lease.
/// Each test deploys a cluster whose barriers run on a test clock (<see cref="BarrierTestClock"/>): after a
/// death the test moves barrier time on, step by step, until the loss shows, and detection is how far it moved,
/// printed. Nothing sleeps on a real lease. Run over every <see cref="BarrierShape"/> by the nested classes at the end
/// (on tiers a participant's lease runs at its shard, so a test that kills a silo keeps the shards off it). The classes
/// still sit in the shared collection, so their clusters start after the shared cluster's tests rather than beside them
/// on the same two cores.
/// </summary>
public abstract class LeaseTests(ITestOutputHelper output, BarrierShape shape)
{
    // Short enough for quick tests, long enough that participants renew calmly (a poll every 2/3 s) inside the
    // clusters' 3 s response timeout.
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    // The promise is detection within twice the lease. What the tests measure is a little longer than what the
    // barrier does: it ends at the first step after the news has reached a waiter on another client (one more message)
    // or a status poll has seen it (one more poll).
    private static readonly TimeSpan DetectionBound = (2 * Lease) + TimeSpan.FromMilliseconds(500);

    // A lease renewed just before death still has at least two thirds of its length to run (polls are held at most
    // a third of it). Far shorter than that would mean the barrier heard a cancellation, not a silence.
    private static readonly TimeSpan SilenceAtLeast = Lease / 3;

    private static readonly TimeSpan SiloDeathBound = TimeSpan.FromSeconds(60);

    private readonly BarrierShape _shape = shape;

    [Fact]
    public async Task WaitAsync_ParticipantClientDisposedWithBreakPolicy_OthersThrowParticipantLostNamingItWithinTwoLeases()
    {
        await using var cluster = await OwnedCluster.DeployWithTestClockAsync(silos: 1, overTcp: true);
        var name = TestBounds.UniqueName("lost-client");
        var first = Handle(cluster.Client, name, 4, "worker-1", ParticipantLossPolicy.Break).WaitAsync();
        var second = Handle(cluster.Client, name, 4, "worker-2", ParticipantLossPolicy.Break).WaitAsync();
        var watcher = _shape.GetBarrier(cluster.Client, name, 4);
        await watcher.WaitForWaitingAsync(2);
        await using var doomedClient = await AdditionalClient.ConnectThroughPrimaryAsync(cluster.Cluster);
        var doomed = Handle(doomedClient.Client, name, 4, "worker-3", ParticipantLossPolicy.Break).WaitAsync();
        await watcher.WaitForWaitingAsync(3);

        await doomedClient.KillAsync();
        var detected = await cluster.Clock.AdvanceUntilAsync(() => first.IsCompleted, DetectionBound);
        var thrown = await Assert.ThrowsAsync<BrokenBarrierException>(() => first).Bounded();
        var alsoThrown = await Assert.ThrowsAsync<BrokenBarrierException>(() => second).Bounded();

        output.WriteLine($"disposed client, break: the others saw ParticipantLost {detected.TotalSeconds:F2}s of barrier time after the client died (lease {Lease.TotalSeconds}s)");
        Assert.InRange(detected, TimeSpan.Zero, DetectionBound);
        Assert.All(new[] { thrown, alsoThrown }, t =>
        {
            Assert.Equal(BrokenBarrierReason.ParticipantLost, t.Reason);
            Assert.Equal(["worker-3"], t.LostParticipants);
        });
        await Assert.ThrowsAnyAsync<Exception>(() => doomed).Bounded();
        await AssertBrokenUntilResetAsync(watcher, lost: "worker-3");
    }

    [Fact]
    public async Task WaitAsync_ParticipantClientDisposedWithEvictPolicy_OthersKeepWaitingAndAReplacementTakesItsPlace()
    {
        await using var cluster = await OwnedCluster.DeployWithTestClockAsync(silos: 1, overTcp: true);
        var name = TestBounds.UniqueName("evicted-client");
        var watcher = _shape.GetBarrier(cluster.Client, name, 4);
        var first = Handle(cluster.Client, name, 4, "worker-1", ParticipantLossPolicy.Evict).WaitAsync();
        await watcher.WaitForWaitingAsync(1);
        var second = Handle(cluster.Client, name, 4, "worker-2", ParticipantLossPolicy.Evict).WaitAsync();
        await watcher.WaitForWaitingAsync(2);
        await using var doomedClient = await AdditionalClient.ConnectThroughPrimaryAsync(cluster.Cluster);
        var doomed = Handle(doomedClient.Client, name, 4, "worker-3", ParticipantLossPolicy.Evict).WaitAsync();
        await watcher.WaitForWaitingAsync(3);

        await doomedClient.KillAsync();
        var (detected, status) = await cluster.Clock.AdvanceUntilWaitingAsync(watcher, 2, DetectionBound);

        output.WriteLine($"disposed client, evict: Waiting dropped {detected.TotalSeconds:F2}s of barrier time after the client died (lease {Lease.TotalSeconds}s)");
        Assert.InRange(detected, SilenceAtLeast, DetectionBound);
        await Assert.ThrowsAnyAsync<Exception>(() => doomed).Bounded();
        await AssertEvictedAndReplacedAsync(cluster.Client, watcher, status, first, second);
    }

    [Fact]
    public async Task WaitAsync_SiloOfParticipantGrainKilledWithBreakPolicy_OthersThrowParticipantLostNamingTheGrainWithinTwoLeases()
    {
        await using var cluster = await OwnedCluster.DeployWithTestClockAsync(silos: 3, overTcp: true);
        var (grain, grainSilo) = await PlaceParticipantOnSecondarySiloAsync(cluster.Cluster);
        await using var survivor = await AdditionalClient.ConnectThroughPrimaryAsync(cluster.Cluster);
        var watcher = await FindBarrierHostedAwayFromAsync(cluster.Cluster, survivor.Client, 4, grainSilo);
        var first = Handle(survivor.Client, watcher.Name, 4, "worker-1", ParticipantLossPolicy.Break).WaitAsync();
        var second = Handle(survivor.Client, watcher.Name, 4, "worker-2", ParticipantLossPolicy.Break).WaitAsync();
        await watcher.WaitForWaitingAsync(2);

        // Unnamed, so the grain is named by its grain id.
        await grain.StartWaitWithOptionsAsync(watcher.Name, 4, participant: null, Lease, ParticipantLossPolicy.Break, _shape.Topology, _shape.Shards).Bounded();
        await watcher.WaitForWaitingAsync(3);

        var killing = Stopwatch.StartNew();
        await cluster.Cluster.KillSiloAsync(grainSilo).WaitAsync(SiloDeathBound);
        killing.Stop();
        var detected = await cluster.Clock.AdvanceUntilAsync(() => first.IsCompleted, DetectionBound);
        var thrown = await Assert.ThrowsAsync<BrokenBarrierException>(() => first).Bounded();
        var alsoThrown = await Assert.ThrowsAsync<BrokenBarrierException>(() => second).Bounded();

        output.WriteLine($"killed silo, break: the others saw ParticipantLost {detected.TotalSeconds:F2}s of barrier time after the kill (the kill call took {killing.Elapsed.TotalSeconds:F2}s of real time; lease {Lease.TotalSeconds}s)");
        Assert.InRange(detected, TimeSpan.Zero, DetectionBound);
        Assert.All(new[] { thrown, alsoThrown }, t =>
        {
            Assert.Equal(BrokenBarrierReason.ParticipantLost, t.Reason);
            Assert.Equal([grain.GetGrainId().ToString()], t.LostParticipants);
        });
        await AssertBrokenUntilResetAsync(watcher, lost: grain.GetGrainId().ToString());
    }

    [Fact]
    public async Task WaitAsync_SiloOfCoalescedGrainsKilledWithBreakPolicy_OthersThrowParticipantLostNamingThoseGrains()
    {
        const int Grains = 16;
        await using var cluster = await OwnedCluster.DeployWithTestClockAsync(silos: 3, overTcp: true);
        var (grain, grainSilo) = await PlaceParticipantOnSecondarySiloAsync(cluster.Cluster);
        await using var survivor = await AdditionalClient.ConnectThroughPrimaryAsync(cluster.Cluster);
        var watcher = await FindBarrierHostedAwayFromAsync(cluster.Cluster, survivor.Client, Grains + 2, grainSilo);
        var first = Handle(survivor.Client, watcher.Name, Grains + 2, "worker-0", ParticipantLossPolicy.Break).WaitAsync();
        await watcher.WaitForWaitingAsync(1);

        // Waits started in one turn on that silo go to the barrier in fewer arrivals than waits, each naming its members.
        string[] names = [.. Enumerable.Range(1, Grains).Select(i => $"worker-{i}")];
        await grain.StartWaitsWithOptionsAsync(watcher.Name, Grains + 2, names, Lease, ParticipantLossPolicy.Break, _shape.Topology, _shape.Shards).Bounded();
        var status = await watcher.WaitForWaitingAsync(Grains + 1);
        output.WriteLine($"{Grains + 1} participants waiting in {status.Arrivals} arrivals");
        Assert.True(status.Arrivals < Grains + 1, $"{Grains} waits started in one turn were not coalesced at all.");
        Assert.Equal(["worker-0", .. names.Order(StringComparer.Ordinal)], status.Waiters.Select(w => w.Participant).Order(StringComparer.Ordinal));

        await cluster.Cluster.KillSiloAsync(grainSilo).WaitAsync(SiloDeathBound);
        var detected = await cluster.Clock.AdvanceUntilAsync(() => first.IsCompleted, DetectionBound);
        var thrown = await Assert.ThrowsAsync<BrokenBarrierException>(() => first).Bounded();

        // Every member of the arrival whose lease ran out first is named (arrivals sent apart renew apart).
        output.WriteLine($"killed the silo of coalesced grains, break: ParticipantLost [{string.Join(", ", thrown.LostParticipants)}] {detected.TotalSeconds:F2}s of barrier time after the kill (lease {Lease.TotalSeconds}s)");
        Assert.InRange(detected, TimeSpan.Zero, DetectionBound);
        Assert.Equal(BrokenBarrierReason.ParticipantLost, thrown.Reason);
        Assert.NotEmpty(thrown.LostParticipants);
        Assert.All(thrown.LostParticipants, lost => Assert.Contains(lost, names));
    }

    [Fact]
    public async Task WaitAsync_SiloOfParticipantGrainKilledWithEvictPolicy_OthersKeepWaitingAndAReplacementTakesItsPlace()
    {
        await using var cluster = await OwnedCluster.DeployWithTestClockAsync(silos: 3, overTcp: true);
        var (grain, grainSilo) = await PlaceParticipantOnSecondarySiloAsync(cluster.Cluster);
        await using var survivor = await AdditionalClient.ConnectThroughPrimaryAsync(cluster.Cluster);
        var watcher = await FindBarrierHostedAwayFromAsync(cluster.Cluster, survivor.Client, 4, grainSilo);
        var first = Handle(survivor.Client, watcher.Name, 4, "worker-1", ParticipantLossPolicy.Evict).WaitAsync();
        await watcher.WaitForWaitingAsync(1);
        var second = Handle(survivor.Client, watcher.Name, 4, "worker-2", ParticipantLossPolicy.Evict).WaitAsync();
        await watcher.WaitForWaitingAsync(2);
        await grain.StartWaitWithOptionsAsync(watcher.Name, 4, "worker-3", Lease, ParticipantLossPolicy.Evict, _shape.Topology, _shape.Shards).Bounded();
        await watcher.WaitForWaitingAsync(3);

        var killing = Stopwatch.StartNew();
        await cluster.Cluster.KillSiloAsync(grainSilo).WaitAsync(SiloDeathBound);
        killing.Stop();
        var (detected, status) = await cluster.Clock.AdvanceUntilWaitingAsync(watcher, 2, DetectionBound, throughFailures: true);

        output.WriteLine($"killed silo, evict: Waiting dropped {detected.TotalSeconds:F2}s of barrier time after the kill (the kill call took {killing.Elapsed.TotalSeconds:F2}s of real time; lease {Lease.TotalSeconds}s)");
        Assert.InRange(detected, SilenceAtLeast, DetectionBound);
        await AssertEvictedAndReplacedAsync(survivor.Client, watcher, status, first, second);
    }

    [Fact]
    public async Task WaitAsync_LiveParticipantWaitingForSeveralLeases_IsNotLostAndIsReleased()
    {
        var lease = TimeSpan.FromSeconds(1);
        await using var cluster = await OwnedCluster.DeployWithTestClockAsync(silos: 2);
        var name = TestBounds.UniqueName("renewed");
        var watcher = _shape.GetBarrier(cluster.Client, name, 2);
        var waiting = Handle(cluster.Client, name, 2, "patient", ParticipantLossPolicy.Break, lease).WaitAsync();
        var arrived = (await watcher.WaitForWaitingAsync(1)).Waiters.Single().ArrivedAt;

        // Watch it outlive four leases: every look must find the same arrival still waiting, which only its renewals
        // allow (an expired lease breaks the barrier; a re-attached arrival would show a later arrival time).
        // Barrier time moves one step between looks, so the lease runs out four times over unless renewed.
        var clock = cluster.Clock;
        var started = clock.UtcNow;
        var looks = 0;
        while (clock.UtcNow - started < 4 * lease)
        {
            var status = await watcher.GetStatusAsync().Bounded();
            Assert.False(status.IsBroken, $"Broken after {(clock.UtcNow - started).TotalSeconds:F1}s: {status.BrokenReason} ({string.Join(", ", status.LostParticipants)})");
            Assert.Equal([new BarrierWaiter("patient", null, arrived)], status.Waiters);
            Assert.False(waiting.IsCompleted);
            looks++;
            await clock.AdvanceAsync(clock.Step);
        }

        output.WriteLine($"still waiting after {(clock.UtcNow - started).TotalSeconds:F1}s of barrier time on a {lease.TotalSeconds}s lease ({looks} looks)");
        Assert.Equal(1, await watcher.WaitAsync().Bounded());
        Assert.Equal(0, await waiting.Bounded());
    }

    private IDistributedBarrier Handle(IClusterClient client, string name, int parties, string participant, ParticipantLossPolicy policy, TimeSpan? lease = null)
        => _shape.GetBarrier(client, name, new BarrierOptions
        {
            Parties = parties,
            Participant = participant,
            LeaseDuration = lease ?? Lease,
            OnParticipantLost = policy,
        });

    /// <summary>The barrier shows who was lost, refuses every wait until reset, and is usable again after it.</summary>
    private static async Task AssertBrokenUntilResetAsync(IDistributedBarrier barrier, string lost)
    {
        var broken = await barrier.GetStatusAsync().Bounded();
        Assert.True(broken.IsBroken);
        Assert.Equal(BrokenBarrierReason.ParticipantLost, broken.BrokenReason);
        Assert.Equal([lost], broken.LostParticipants);

        var late = await Assert.ThrowsAsync<BrokenBarrierException>(() => barrier.WaitAsync()).Bounded();
        Assert.Equal(BrokenBarrierReason.ParticipantLost, late.Reason);
        Assert.Equal([lost], late.LostParticipants);

        await barrier.ResetAsync().Bounded();
        var mended = await barrier.GetStatusAsync().Bounded();
        Assert.Equal(BarrierState.Filling, mended.State);
        Assert.Null(mended.BrokenReason);
        Assert.Empty(mended.LostParticipants);
        var indices = await Task.WhenAll(Enumerable.Range(0, barrier.Parties).Select(_ => barrier.WaitAsync())).Bounded();
        Assert.Equal(Enumerable.Range(0, barrier.Parties), indices.Order());
    }

    /// <summary>
    /// After the eviction the two others still wait, unbroken; a replacement for the lost participant and one more
    /// arrival fill the party, and the release numbers the four in arrival order.
    /// </summary>
    private async Task AssertEvictedAndReplacedAsync(IClusterClient client, IDistributedBarrier barrier, BarrierStatus afterEviction, Task<int> first, Task<int> second)
    {
        Assert.Equal(BarrierState.Filling, afterEviction.State);
        Assert.Equal(["worker-1", "worker-2"], afterEviction.Waiters.Select(w => w.Participant));
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        var replacement = Handle(client, barrier.Name, 4, "worker-3", ParticipantLossPolicy.Evict).WaitAsync();
        await barrier.WaitForWaitingAsync(3);
        var last = await Handle(client, barrier.Name, 4, "worker-4", ParticipantLossPolicy.Evict).WaitAsync().Bounded();

        int[] indices = [await first.Bounded(), await second.Bounded(), await replacement.Bounded(), last];
        Assert.Equal([0, 1, 2, 3], indices);
    }

    /// <summary>
    /// Activates a participant grain on a secondary silo (the primary anchors the test cluster and cannot be killed).
    /// Placement is random, so try fresh grains for a bounded time.
    /// </summary>
    private static async Task<(IParticipantGrain Grain, SiloHandle Silo)> PlaceParticipantOnSecondarySiloAsync(TestCluster cluster)
    {
        var searching = Stopwatch.StartNew();
        while (searching.Elapsed < TimeSpan.FromSeconds(30))
        {
            var grain = cluster.Client.GetGrain<IParticipantGrain>(TestBounds.UniqueName("doomed"));
            var silo = await grain.GetSiloAsync().Bounded();
            if (cluster.SecondarySilos.FirstOrDefault(s => s.SiloAddress.ToString() == silo) is { } secondary)
            {
                return (grain, secondary);
            }
        }

        throw new InvalidOperationException("No participant grain landed on a secondary silo within 30 s.");
    }

    /// <summary>
    /// Finds a barrier whose grain and shards are not on <paramref name="avoid"/>, so killing that silo leaves the
    /// barrier alive and every lease but the dead participants' running where it ran.
    /// </summary>
    private async Task<IDistributedBarrier> FindBarrierHostedAwayFromAsync(TestCluster cluster, IClusterClient client, int parties, SiloHandle avoid)
    {
        var management = client.GetGrain<IManagementGrain>(0);
        var avoided = avoid.SiloAddress.ToString();
        var searching = Stopwatch.StartNew();
        while (searching.Elapsed < TimeSpan.FromSeconds(30))
        {
            var barrier = _shape.GetBarrier(client, TestBounds.UniqueName("survives"), parties);
            var status = await barrier.GetStatusAsync().Bounded();
            var hosts = new List<string?> { status.HostSilo };
            foreach (var key in _shape.ShardKeys(barrier.Name))
            {
                // A cancellation of an arrival nobody made activates the shard and changes nothing.
                var shard = client.GetGrain<IBarrierShardGrain>(key);
                await shard.CancelAsync(ArrivalId.New(), parties).Bounded();
                hosts.Add((await management.GetActivationAddress(shard).AsTask().Bounded())?.ToString());
            }

            if (hosts.All(h => h is not null && h != avoided && cluster.Silos.Any(s => s.SiloAddress.ToString() == h)))
            {
                return barrier;
            }
        }

        throw new InvalidOperationException($"No barrier landed away from {avoid.SiloAddress} within 30 s.");
    }

    /// <summary>The contract on the single-grain shape.</summary>
    [Collection(SharedClusterDefinition.Name)]
    public sealed class OnSingleGrain(ITestOutputHelper output) : LeaseTests(output, BarrierShape.SingleGrain);

    /// <summary>The contract on the tiered shape.</summary>
    [Collection(SharedClusterDefinition.Name)]
    public sealed class OnTiers(ITestOutputHelper output) : LeaseTests(output, BarrierShape.Tiered);
}
